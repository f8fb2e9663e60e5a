package no.knutepunkt.ingest.rest;

import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/** The verified token of a request, read the way VKP reads HelseID tokens. */
record Caller(String vkpId, String clientId, String clientAmr, Set<String> scopes, String orgnrParent) {

    static Caller of(JsonWebToken token) {
        return new Caller(token.getClaim(HelseIdClaims.VKP_ID), token.getClaim(HelseIdClaims.CLIENT_ID),
                token.getClaim(HelseIdClaims.CLIENT_AMR), HelseIdClaims.scopes(token.<Object>getClaim("scope")),
                token.getClaim(HelseIdClaims.ORGNR_PARENT));
    }

    boolean isOperator() {
        return scopes.contains(HelseIdClaims.SCOPE_OPERATOR);
    }

    /** The sender of a write, or a 403 that says which requirement the token misses. */
    Sender vendorAllowedTo(String resource, String access) {
        return vendorAllowedTo(resource, access, false);
    }

    /** As above; on JFT's surface JFT's own scope also allows writing. */
    Sender vendorAllowedTo(String resource, String access, boolean jftScopeAllows) {
        if (!HelseIdClaims.PRIVATE_KEY_JWT.equals(clientAmr)) {
            throw forbidden(VkpCode.FORBIDDEN, "helseid-client-amr",
                    "the client must authenticate with private_key_jwt (claim client_amr)");
        }
        if (!HelseIdClaims.allows(scopes, resource, access)
                && !(jftScopeAllows && scopes.contains(HelseIdClaims.SCOPE_JFT))) {
            throw forbidden(VkpCode.NO_ACCESS, "vkp-scope",
                    "the token lacks scope " + HelseIdClaims.vkpScope(resource, access));
        }
        if (vkpId == null || vkpId.isBlank()) {
            throw forbidden(VkpCode.NO_ACCESS, "vkp-id-claim", "the token has no " + HelseIdClaims.VKP_ID + " claim");
        }
        return new Sender(vkpId, clientId);
    }

    private static Rejection forbidden(VkpCode code, String rule, String text) {
        return new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, code, rule, text));
    }
}
