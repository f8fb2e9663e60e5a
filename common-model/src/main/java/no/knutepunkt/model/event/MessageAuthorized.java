package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Consent allowed the message. It carries the payload on to routing, so that each stage reads one topic only.
 *
 * @param rule         the rule that decided, e.g. {@code grant-active}
 * @param grantId      the grant that allowed it
 * @param grantVersion the version of that grant when it was used
 */
@EventType("no.knutepunkt.consent.authorized.v1")
public record MessageAuthorized(String messageId, String orgnr, Sender sender, MessageKind kind, String rule,
        String grantId, int grantVersion, String payload, Instant decidedAt) implements EventData {
}
