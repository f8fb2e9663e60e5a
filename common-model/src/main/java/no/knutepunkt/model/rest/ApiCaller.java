package no.knutepunkt.model.rest;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;
import java.util.function.Function;

/**
 * Who calls one of the hub's own APIs, from the claims of a verified token: a municipality's administrator or EPJ
 * (bound to one orgnr), an NHN operator (reads all), or a vendor system (its vkp-id). Each check answers 403 with an
 * OperationOutcome (VKP 1.4) when it fails.
 */
public record ApiCaller(String clientId, String orgnr, String vkpId, Set<String> scopes) {

    /** @param claim a token's claims by name, e.g. {@code token::getClaim} */
    public static ApiCaller of(Function<String, Object> claim) {
        return new ApiCaller((String) claim.apply(HelseIdClaims.CLIENT_ID),
                (String) claim.apply(HelseIdClaims.ORGNR_PARENT), (String) claim.apply(HelseIdClaims.VKP_ID),
                HelseIdClaims.scopes(claim.apply("scope")));
    }

    /** Only the municipality's own administrator changes what is the municipality's. */
    public void mustAdminister(String municipality) {
        if (!(scopes.contains(HelseIdClaims.SCOPE_CONSENT_ADMIN) && municipality.equals(orgnr))) {
            throw forbidden("municipality-admin", "only an administrator of municipality " + municipality
                    + " may do this");
        }
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
        if (!isOperator() && !sender.equals(vkpId)) {
            throw forbidden("sender", "a vendor system may read only what names its own vkp-id");
        }
    }

    /** A municipality's EPJ; the answer is the orgnr it is bound to. */
    public String mustBeEpj() {
        if (!scopes.contains(HelseIdClaims.SCOPE_EPJ) || orgnr == null) {
            throw forbidden("epj", "only a municipality's EPJ (scope " + HelseIdClaims.SCOPE_EPJ + " and orgnr) may do this");
        }
        return orgnr;
    }

    public boolean isOperator() {
        return scopes.contains(HelseIdClaims.SCOPE_OPERATOR);
    }

    private static Rejection forbidden(String rule, String text) {
        return new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, rule, text));
    }
}
