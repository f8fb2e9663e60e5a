package no.knutepunkt.consent.service;

import no.knutepunkt.consent.GrantVersion;
import no.knutepunkt.consent.PatientRestriction;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.ReadAuthorized;
import no.knutepunkt.model.event.ReadDenied;
import no.knutepunkt.model.event.ReadRequested;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consent rules, as one function of the register as it stood at a time. Live decisions and what-if evaluations
 * both go through {@link #judge}, so an evaluation of a past time answers what the decision then was.
 */
public final class ConsentDecider {

    /** What a restricted sender is told: the code, and nothing about the restriction. */
    static final String RESTRICTED_REASON = "the municipality does not accept this message";

    private ConsentDecider() {
    }

    /**
     * Would {@code vkpId} be allowed {@code access} (read or write) to {@code resource} at {@code orgnr} at {@code at}?
     *
     * @param serviceCodes the ServiceCodes a read is for; each must be granted
     * @param patientKey   the patient's keyed hash, or null when the question is about no one patient
     */
    public record Question(String orgnr, String vkpId, String resource, String access, List<String> serviceCodes,
            String patientKey, Instant at) {
    }

    /** The answer, naming the rule and the grant version (and restriction) that decided it. */
    public record Verdict(boolean allowed, String vkpCode, String rule, String reason, String grantId,
            Integer grantVersion, String restrictionId) {

        static Verdict deny(VkpCode code, String rule, String reason, GrantVersion grant, String restrictionId) {
            return new Verdict(false, code.code(), rule, reason, grant == null ? null : grant.grantId,
                    grant == null ? null : grant.version, restrictionId);
        }
    }

    /**
     * @param grants       the sender's grants at the municipality as they stood at the question's time
     * @param restrictions the restrictions on the patient in force at that time
     */
    public static Verdict judge(Question q, List<GrantVersion> grants, List<PatientRestriction> restrictions) {
        List<GrantVersion> active = grants.stream().filter(g -> "active".equals(g.stateAt(q.at()))).toList();
        if (active.isEmpty()) {
            Optional<GrantVersion> latest = grants.stream().max(Comparator.comparing(g -> g.changedAt));
            if (latest.isEmpty()) {
                return Verdict.deny(VkpCode.NOT_ALLOWED, "no-grant",
                        "no grant for sender " + q.vkpId() + " at municipality " + q.orgnr(), null, null);
            }
            String state = latest.get().stateAt(q.at());
            return Verdict.deny(VkpCode.NOT_ACTIVE, "grant-" + state,
                    "the grant for sender " + q.vkpId() + " is " + state, latest.get(), null);
        }
        Optional<GrantVersion> allowing = active.stream()
                .filter(g -> HelseIdClaims.allows(g.scopeList(), q.resource(), q.access())).findFirst();
        if (allowing.isEmpty()) {
            return Verdict.deny(VkpCode.NOT_ALLOWED, "grant-scope",
                    "the grant does not allow " + q.access() + " of " + q.resource(), active.get(0), null);
        }
        GrantVersion grant = allowing.get();
        if ("read".equals(q.access())) {
            List<String> asked = q.serviceCodes() == null ? List.of() : q.serviceCodes();
            if (asked.isEmpty()) {
                return Verdict.deny(VkpCode.NOT_ALLOWED, "service-code-missing",
                        "a read names the ServiceCodes it is for", grant, null);
            }
            List<String> refused = asked.stream().filter(c -> !grant.serviceCodeList().contains(c)).toList();
            if (!refused.isEmpty()) {
                return Verdict.deny(VkpCode.NOT_ALLOWED, "grant-service-code",
                        "the grant does not allow reads for ServiceCode " + String.join(",", refused), grant, null);
            }
        }
        Optional<PatientRestriction> restriction = q.patientKey() == null ? Optional.empty()
                : restrictions.stream().filter(r -> q.patientKey().equals(r.patientKey) && r.activeAt(q.at())
                        && r.appliesTo(q.vkpId())).findFirst();
        if (restriction.isPresent()) {
            return Verdict.deny(VkpCode.FORBIDDEN, "patient-restricted", RESTRICTED_REASON, grant,
                    restriction.get().restrictionId);
        }
        return new Verdict(true, null, "grant-active", null, grant.grantId, grant.version, null);
    }

    /** The decision event for a received message, judged as the register stood when it was received. */
    public static EventData decide(MessageReceived m, List<GrantVersion> grants,
            List<PatientRestriction> restrictions) {
        Verdict v = judge(questionOf(m), grants, restrictions);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (v.allowed()) {
            return new MessageAuthorized(m.messageId(), m.orgnr(), m.sender(), m.kind(), v.rule(), v.grantId(),
                    v.grantVersion(), m.payload(), now);
        }
        return new MessageDenied(m.messageId(), m.orgnr(), m.sender(), v.vkpCode(), v.reason(), v.rule(),
                v.grantId(), now, v.grantVersion(), v.restrictionId());
    }

    /**
     * The decision event for a read, judged as the register stood when it was asked; the partner profile then in
     * force says which of the EPJ's services the ServiceCodes mean (a ServiceCode it does not map cannot be read for).
     *
     * @param profile ServiceCode → EPJ service code patterns, or null when the municipality has none
     */
    public static EventData decide(ReadRequested r, List<GrantVersion> grants, List<PatientRestriction> restrictions,
            Map<String, List<String>> profile, int profileVersion) {
        Verdict v = judge(questionOf(r), grants, restrictions);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (v.allowed()) {
            List<String> unmapped = profile == null ? r.serviceCodes()
                    : r.serviceCodes().stream().filter(c -> !profile.containsKey(c)).toList();
            if (!unmapped.isEmpty()) {
                return new ReadDenied(r.readId(), r.orgnr(), r.sender(), VkpCode.NOT_ALLOWED.code(),
                        "municipality " + r.orgnr() + "'s partner profile does not say which of its EPJ's services "
                                + "ServiceCode " + String.join(",", unmapped) + " means", "profile-service-code",
                        v.grantId(), v.grantVersion(), null, now);
            }
            List<String> patterns = r.serviceCodes().stream().flatMap(c -> profile.get(c).stream()).distinct()
                    .sorted().toList();
            return new ReadAuthorized(r.readId(), r.orgnr(), r.sender(), r.resource(), r.serviceCodes(),
                    r.patientKey(), r.query(), v.rule(), v.grantId(), v.grantVersion(), patterns, profileVersion, now,
                    r.answerBy());
        }
        return new ReadDenied(r.readId(), r.orgnr(), r.sender(), v.vkpCode(), v.reason(), v.rule(), v.grantId(),
                v.grantVersion(), v.restrictionId(), now);
    }

    static Question questionOf(ReadRequested r) {
        return new Question(r.orgnr(), r.sender().vkpId(), r.resource(), "read", r.serviceCodes(), r.patientKey(),
                r.requestedAt());
    }

    static Question questionOf(MessageReceived m) {
        return new Question(m.orgnr(), m.sender().vkpId(), m.writtenResource(), "write", List.of(), m.patientKey(),
                m.receivedAt());
    }
}
