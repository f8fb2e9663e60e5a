package no.knutepunkt.model.rest;

import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.CallerPolicy;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.identity.Role;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/**
 * Who calls the hub, from the claims of a verified token as {@link CallerPolicy} reads them: a vendor system (its
 * vkp-id), a municipality's administrator or EPJ (bound to one orgnr), an NHN operator (reads all). Each check
 * answers 403 with an OperationOutcome (VKP 1.4) when it fails.
 *
 * @param issuer the OIDC tenant that verified the token
 * @param roles  the roles the token holds and its issuer is trusted for
 */
public record ApiCaller(String issuer, String clientId, String clientAmr, String orgnr, String vkpId,
        Set<String> scopes, Set<Role> roles, CallerPolicy policy) {

    /** Only the municipality's own administrator changes what is the municipality's. */
    public void mustAdminister(String municipality) {
        if (!administers(municipality)) {
            throw forbidden("municipality-admin", "only an administrator of municipality " + municipality
                    + " may do this");
        }
    }

    public boolean administers(String municipality) {
        return roles.contains(Role.ADMINISTRATOR) && municipality != null && municipality.equals(orgnr);
    }

    /** The municipality's administrator, or an operator (who acts for NHN on every municipality). */
    public void mustActFor(String municipality) {
        if (!isOperator()) {
            mustAdminister(municipality);
        }
    }

    public void mustOperate() {
        if (!isOperator()) {
            throw forbidden("operator", "only an NHN operator may do this");
        }
    }

    /** The sender itself, or an operator. */
    public void mustBeSender(String sender) {
        if (!isOperator() && !(roles.contains(Role.VENDOR) && sender.equals(vkpId))) {
            throw forbidden("sender", "a vendor system may read only what names its own vkp-id");
        }
    }

    /** A municipality's EPJ; the answer is the orgnr it is bound to. */
    public String mustBeEpj() {
        if (!roles.contains(Role.EPJ) || orgnr == null) {
            throw forbidden("epj", "only a municipality's EPJ (one of the scopes " + policy.grants().get(Role.EPJ)
                    + " and an orgnr) may do this");
        }
        return orgnr;
    }

    public boolean isOperator() {
        return roles.contains(Role.OPERATOR);
    }

    /** True when this is a vendor system named by {@code vkpId}. */
    public boolean isSender(String sender) {
        return roles.contains(Role.VENDOR) && vkpId != null && vkpId.equals(sender);
    }

    /**
     * The sender of a vendor's write or read, or a 403 that says which requirement the token misses, in VKP's order:
     * the client's authentication, the scope, the vkp-id.
     *
     * @param jftScopeAllows on JFT's surface JFT's own scope also allows writing
     */
    public Sender mustBeVendor(String resource, String access, boolean jftScopeAllows) {
        if (!roles.contains(Role.VENDOR)) {
            throw new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, "issuer-trust",
                    "the token's issuer is not trusted for vendor systems"));
        }
        if (!HelseIdClaims.PRIVATE_KEY_JWT.equals(clientAmr)) {
            throw new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.FORBIDDEN, "helseid-client-amr",
                    "the client must authenticate with private_key_jwt (claim " + policy.claims().clientAmr() + ")"));
        }
        if (!policy.allows(scopes, resource, access) && !(jftScopeAllows && scopes.contains(policy.jftScope()))) {
            throw forbidden("vkp-scope", "the token lacks scope " + policy.vkpScope(resource, access));
        }
        if (vkpId == null || vkpId.isBlank()) {
            throw forbidden("vkp-id-claim", "the token has no " + policy.claims().vkpId() + " claim");
        }
        return new Sender(vkpId, clientId);
    }

    private static Rejection forbidden(String rule, String text) {
        return new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, rule, text));
    }
}
