package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * The EPJ accepted the message.
 *
 * @param attempts  how many attempts it took
 * @param epjStatus the HTTP status the EPJ answered
 */
@EventType("no.knutepunkt.delivery.delivered.v1")
public record MessageDelivered(String messageId, String orgnr, String endpoint, int attempts, int epjStatus,
        Instant deliveredAt) implements EventData {
}
