package no.knutepunkt.consent.rest;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/** Who calls the consent API: a municipality's administrator (bound to one orgnr), or an NHN operator. */
record Caller(String clientId, String orgnr, Set<String> scopes) {

    static Caller of(JsonWebToken token) {
        return new Caller(token.getClaim(HelseIdClaims.CLIENT_ID), token.getClaim(HelseIdClaims.ORGNR_PARENT),
                HelseIdClaims.scopes(token.getClaim("scope")));
    }

    /** Only the municipality's own administrator changes its grants. */
    void mustAdminister(String municipality) {
        if (!(scopes.contains(HelseIdClaims.SCOPE_CONSENT_ADMIN) && municipality.equals(orgnr))) {
            throw new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, "consent-admin",
                    "only an administrator of municipality " + municipality + " may change its grants"));
        }
    }

    /** The municipality's administrator, or an operator. */
    void mustRead(String municipality) {
        if (!scopes.contains(HelseIdClaims.SCOPE_OPERATOR)) {
            mustAdminister(municipality);
        }
    }
}
