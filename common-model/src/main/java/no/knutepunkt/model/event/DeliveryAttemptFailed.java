package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * One attempt to push a message to its EPJ failed; it will be tried again.
 *
 * @param error         what went wrong, without payload content
 * @param nextAttemptAt when the next attempt is planned
 */
@EventType("no.knutepunkt.delivery.attempt-failed.v1")
public record DeliveryAttemptFailed(String messageId, String orgnr, String endpoint, int attempt, String error,
        Instant nextAttemptAt, Instant failedAt) implements EventData {
}
