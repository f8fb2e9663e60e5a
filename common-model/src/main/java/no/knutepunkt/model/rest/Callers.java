package no.knutepunkt.model.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.CallerPolicy;
import no.knutepunkt.model.identity.IdentitySettings;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** The caller of the current request, read from its verified token with the configured {@link CallerPolicy}. */
@ApplicationScoped
public class Callers {

    /** Where Quarkus OIDC puts the id of the tenant that verified the token. */
    static final String TENANT_ID = "tenant-id";

    private final SecurityIdentity identity;
    private final CallerPolicy policy;

    public Callers(SecurityIdentity identity, IdentitySettings settings) {
        this.identity = identity;
        this.policy = CallerPolicy.of(settings);
    }

    public ApiCaller current() {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw new Rejection(401, Outcomes.error(IssueType.LOGIN, VkpCode.FORBIDDEN, "token",
                    "a HelseID access token is required"));
        }
        return policy.caller(identity.getAttribute(TENANT_ID), token::getClaim);
    }
}
