package no.knutepunkt.consent.rest;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/**
 * Who calls the consent API: a municipality's administrator (bound to one orgnr), an NHN operator (reads all), or a
 * vendor system (reads the grants that name its own vkp-id).
 */
record Caller(String clientId, String orgnr, String vkpId, Set<String> scopes) {

    static Caller of(JsonWebToken token) {
        return new Caller(token.getClaim(HelseIdClaims.CLIENT_ID), token.getClaim(HelseIdClaims.ORGNR_PARENT),
                token.getClaim(HelseIdClaims.VKP_ID), HelseIdClaims.scopes(token.getClaim("scope")));
    }

    /** Only the municipality's own administrator changes its register. */
    void mustAdminister(String municipality) {
        if (!(scopes.contains(HelseIdClaims.SCOPE_CONSENT_ADMIN) && municipality.equals(orgnr))) {
            throw forbidden("consent-admin", "only an administrator of municipality " + municipality
                    + " may change its register");
        }
    }

    /** The municipality's administrator, or an operator. */
    void mustRead(String municipality) {
        if (!isOperator()) {
            mustAdminister(municipality);
        }
    }

    void mustOperate() {
        if (!isOperator()) {
            throw forbidden("operator", "only an NHN operator may do this");
        }
    }

    /** The sender itself, or an operator. */
    void mustBeSender(String sender) {
        if (!isOperator() && !sender.equals(vkpId)) {
            throw forbidden("consent-sender", "a vendor system may read only the grants that name its own vkp-id");
        }
    }

    private boolean isOperator() {
        return scopes.contains(HelseIdClaims.SCOPE_OPERATOR);
    }

    private static Rejection forbidden(String rule, String text) {
        return new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, rule, text));
    }
}
