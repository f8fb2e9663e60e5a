package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Delivery gave up: the EPJ refused the message, or the bound on attempts or age was reached. The message is now a
 * dead letter, kept until an operator or the municipality resends or deletes it.
 *
 * @param lastError the last error, without payload content
 */
@EventType("no.knutepunkt.delivery.failed.v1")
public record DeliveryFailed(String messageId, String orgnr, String endpoint, int attempts, String lastError,
        Instant failedAt) implements EventData {
}
