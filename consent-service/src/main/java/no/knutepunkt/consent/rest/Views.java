package no.knutepunkt.consent.rest;

import no.knutepunkt.consent.Decision;
import no.knutepunkt.consent.GrantVersion;
import no.knutepunkt.consent.PatientRestriction;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What the consent API shows of the read model. */
final class Views {

    private Views() {
    }

    /**
     * A grant (one version of it), with its state at the time asked and whether it ends within the warning period.
     */
    public record GrantView(String grantId, int version, String change, String orgnr, String vkpId, String vendor,
            String system, List<String> scopes, List<String> serviceCodes, Instant validFrom, Instant validTo,
            String legalBasis, String state, boolean expiresSoon, Instant revokedAt, String revokeReason,
            String changedBy, Instant changedAt) {

        static GrantView of(GrantVersion g, Instant at, Duration warning) {
            String state = g.stateAt(at);
            boolean soon = "active".equals(state) && g.validTo != null && g.validTo.isBefore(at.plus(warning));
            return new GrantView(g.grantId, g.version, g.change, g.orgnr, g.vkpId, g.vendor, g.system, g.scopeList(),
                    g.serviceCodeList(), g.validFrom, g.validTo, g.legalBasis, state, soon, g.revokedAt,
                    g.revokeReason, g.changedBy, g.changedAt);
        }

        static List<GrantView> of(List<GrantVersion> grants, Duration warning) {
            Instant now = Instant.now();
            return grants.stream().map(g -> of(g, now, warning)).toList();
        }
    }

    /** A restriction, without the patient: the API never shows a patient key or national id. */
    public record RestrictionView(String restrictionId, String vkpId, String scope, String reason, String state,
            String restrictedBy, Instant restrictedAt, String liftReason, String liftedBy, Instant liftedAt) {

        static RestrictionView of(PatientRestriction r) {
            return new RestrictionView(r.restrictionId, r.vkpId, r.vkpId == null ? "all senders" : "one sender",
                    r.reason, r.liftedAt == null ? "active" : "lifted", r.restrictedBy, r.restrictedAt, r.liftReason,
                    r.liftedBy, r.liftedAt);
        }
    }

    public record DecisionView(String messageId, String orgnr, String vkpId, String decision, String vkpCode,
            String rule, String reason, String grantId, Integer grantVersion, String restrictionId,
            Instant decidedAt) {

        static DecisionView of(Decision d) {
            return new DecisionView(d.messageId, d.orgnr, d.vkpId, d.allowed ? "allow" : "deny", d.vkpCode, d.rule,
                    d.reason, d.grantId, d.grantVersion, d.restrictionId, d.decidedAt);
        }
    }
}
