package no.knutepunkt.consent.service;

import no.knutepunkt.consent.GrantVersion;
import no.knutepunkt.consent.PatientRestriction;
import no.knutepunkt.consent.service.ConsentDecider.Question;
import no.knutepunkt.consent.service.ConsentDecider.Verdict;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.ReadAuthorized;
import no.knutepunkt.model.event.ReadDenied;
import no.knutepunkt.model.event.ReadRequested;
import no.knutepunkt.model.event.Sender;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsentDeciderTest {

    static final Instant T = Instant.parse("2025-03-14T08:00:00Z");
    static final String SENDER = "V_S_312229544";

    static MessageReceived message() {
        return new MessageReceived("m", "312229544", new Sender(SENDER, "c"), "vkp-r4",
                MessageKind.ALARM, List.of("DetectedIssue"), "patient-k", "h", "{}", T, null);
    }

    static GrantVersion grant(Instant from, Instant to, Instant revokedAt, String scopes) {
        GrantVersion g = new GrantVersion();
        g.grantId = "g";
        g.version = 3;
        g.vkpId = SENDER;
        g.validFrom = from;
        g.validTo = to;
        g.revokedAt = revokedAt;
        g.scopes = scopes;
        g.serviceCodes = "TA GPS";
        g.changedAt = from;
        return g;
    }

    static PatientRestriction restriction(String vkpId, Instant from, Instant lifted) {
        PatientRestriction r = new PatientRestriction();
        r.restrictionId = "r";
        r.patientKey = "patient-k";
        r.vkpId = vkpId;
        r.restrictedAt = from;
        r.liftedAt = lifted;
        return r;
    }

    @Test
    void activeGrantAllowsAndNamesItsVersion() {
        var decision = ConsentDecider.decide(message(),
                List.of(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/bundle.write")), List.of());
        assertEquals(3, assertInstanceOf(MessageAuthorized.class, decision).grantVersion());
    }

    @Test
    void expiredNotYetValidRevokedAndNarrowGrantsDenyNamingTheVersion() {
        String write = "nhn:vkp/api/user/bundle.write";
        assertEquals("grant-expired", rule(grant(T.minusSeconds(60), T.minusSeconds(1), null, write)));
        assertEquals("grant-pending", rule(grant(T.plusSeconds(60), null, null, write)));
        assertEquals("grant-revoked", rule(grant(T.minusSeconds(60), null, T.minusSeconds(1), write)));
        assertEquals("grant-scope", rule(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/patient.read")));
        MessageDenied none = assertInstanceOf(MessageDenied.class, ConsentDecider.decide(message(), List.of(), List.of()));
        assertEquals("no-grant", none.rule());
        assertNull(none.grantVersion());
        MessageDenied expired = assertInstanceOf(MessageDenied.class, ConsentDecider.decide(message(),
                List.of(grant(T.minusSeconds(60), T.minusSeconds(1), null, write)), List.of()));
        assertEquals("1.1", expired.vkpCode());
        assertEquals(3, expired.grantVersion());
    }

    @Test
    void aRevocationAfterTheMessageWasReceivedDoesNotDenyIt() {
        var decision = ConsentDecider.decide(message(), List.of(grant(T.minusSeconds(60), null, T.plusSeconds(1),
                "nhn:vkp/api/user/bundle.*")), List.of());
        assertInstanceOf(MessageAuthorized.class, decision);
    }

    @Test
    void aPatientRestrictionDeniesWithCodeOneAndTellsTheSenderNothingMore() {
        List<GrantVersion> grants = List.of(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/bundle.write"));
        MessageDenied denied = assertInstanceOf(MessageDenied.class, ConsentDecider.decide(message(), grants,
                List.of(restriction(null, T.minusSeconds(5), null))));
        assertEquals("1", denied.vkpCode());
        assertEquals("patient-restricted", denied.rule());
        assertEquals("r", denied.restrictionId());
        assertEquals("consent", denied.ruleForSender());
        assertFalse(denied.reason().contains("restrict") || denied.reason().contains("patient"), denied.reason());
        // for another sender, lifted, or not yet made: no effect
        assertInstanceOf(MessageAuthorized.class, ConsentDecider.decide(message(), grants,
                List.of(restriction("Other_System_312229544", T.minusSeconds(5), null))));
        assertInstanceOf(MessageAuthorized.class, ConsentDecider.decide(message(), grants,
                List.of(restriction(SENDER, T.minusSeconds(5), T.minusSeconds(1)))));
        assertInstanceOf(MessageAuthorized.class, ConsentDecider.decide(message(), grants,
                List.of(restriction(SENDER, T.plusSeconds(5), null))));
    }

    @Test
    void readsNeedEveryServiceCodeGranted() {
        List<GrantVersion> grants = List.of(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/careplan.read"));
        assertTrue(read(grants, List.of("TA", "GPS")).allowed());
        assertEquals("grant-service-code", read(grants, List.of("TA", "DHO")).rule());
        assertEquals("service-code-missing", read(grants, List.of()).rule());
        assertEquals("grant-scope", ConsentDecider.judge(new Question("312229544", SENDER, "careplan", "write",
                List.of(), null, T), grants, List.of()).rule());
    }

    static Verdict read(List<GrantVersion> grants, List<String> codes) {
        return ConsentDecider.judge(new Question("312229544", SENDER, "careplan", "read", codes, null, T), grants,
                List.of());
    }

    static String rule(GrantVersion g) {
        return assertInstanceOf(MessageDenied.class, ConsentDecider.decide(message(), List.of(g), List.of())).rule();
    }

    @Test
    void aReadCarriesThePartnerProfilesServicesForItsServiceCodes() {
        List<GrantVersion> grants = List.of(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/careplan.read"));
        java.util.Map<String, List<String>> profile = java.util.Map.of("TA", List.of("6"), "GPS", List.of("26",
                "%.2.3"));
        ReadRequested asked = new ReadRequested("r", "312229544", new Sender(SENDER, "c"), "careplan",
                List.of("TA", "GPS"), "patient-k", "q", T, T.plusSeconds(10));
        ReadAuthorized allowed = assertInstanceOf(ReadAuthorized.class,
                ConsentDecider.decide(asked, grants, List.of(), profile, 4));
        assertEquals(List.of("%.2.3", "26", "6"), allowed.servicePatterns());
        assertEquals(4, allowed.profileVersion());
        assertEquals(3, allowed.grantVersion());

        // a ServiceCode the profile does not map, or no profile at all: nothing can be read for it
        ReadDenied unmapped = assertInstanceOf(ReadDenied.class, ConsentDecider.decide(asked, grants, List.of(),
                java.util.Map.of("TA", List.of("6")), 5));
        assertEquals("profile-service-code", unmapped.rule());
        assertTrue(unmapped.reason().contains("GPS"));
        assertEquals("profile-service-code", assertInstanceOf(ReadDenied.class,
                ConsentDecider.decide(asked, grants, List.of(), null, 0)).rule());
        // the grant is judged first: a code it does not allow is refused as such, whatever the profile says
        ReadRequested dho = new ReadRequested("r", "312229544", new Sender(SENDER, "c"), "careplan", List.of("DHO"),
                null, "q", T, T.plusSeconds(10));
        assertEquals("grant-service-code", assertInstanceOf(ReadDenied.class, ConsentDecider.decide(dho, grants,
                List.of(), java.util.Map.of("DHO", List.of("%")), 1)).rule());
    }
}
