package no.knutepunkt.consent.service;

import no.knutepunkt.consent.Grant;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.Sender;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ConsentDeciderTest {

    static final Instant T = Instant.parse("2025-03-14T08:00:00Z");

    static MessageReceived message() {
        return new MessageReceived("m", "312229544", new Sender("V_S_312229544", "c"), "vkp-r4",
                MessageKind.ALARM, List.of("DetectedIssue"), null, "k", "h", "{}", T, null);
    }

    static Grant grant(Instant from, Instant to, Instant revokedAt, String scopes) {
        Grant g = new Grant();
        g.grantId = "g";
        g.version = 3;
        g.validFrom = from;
        g.validTo = to;
        g.revokedAt = revokedAt;
        g.scopes = scopes;
        g.changedAt = from;
        return g;
    }

    @Test
    void activeGrantAllowsAndNamesItsVersion() {
        var decision = ConsentDecider.decide(message(),
                List.of(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/bundle.write")));
        assertEquals(3, assertInstanceOf(MessageAuthorized.class, decision).grantVersion());
    }

    @Test
    void expiredNotYetValidRevokedAndNarrowGrantsDeny() {
        String write = "nhn:vkp/api/user/bundle.write";
        assertEquals("grant-expired", rule(grant(T.minusSeconds(60), T.minusSeconds(1), null, write)));
        assertEquals("grant-pending", rule(grant(T.plusSeconds(60), null, null, write)));
        assertEquals("grant-revoked", rule(grant(T.minusSeconds(60), null, T.minusSeconds(1), write)));
        assertEquals("grant-scope", rule(grant(T.minusSeconds(60), null, null, "nhn:vkp/api/user/patient.read")));
        assertEquals("no-grant", assertInstanceOf(MessageDenied.class,
                ConsentDecider.decide(message(), List.of())).rule());
    }

    @Test
    void aRevocationAfterTheMessageWasReceivedDoesNotDenyIt() {
        var decision = ConsentDecider.decide(message(), List.of(grant(T.minusSeconds(60), null, T.plusSeconds(1),
                "nhn:vkp/api/user/bundle.*")));
        assertInstanceOf(MessageAuthorized.class, decision);
    }

    static String rule(Grant g) {
        return assertInstanceOf(MessageDenied.class, ConsentDecider.decide(message(), List.of(g))).rule();
    }
}
