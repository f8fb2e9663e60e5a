package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Delivery gave up after the bounded number of attempts.
 *
 * @param lastError the last error, without payload content
 */
@EventType("no.knutepunkt.delivery.failed.v1")
public record DeliveryFailed(String messageId, String orgnr, String endpoint, int attempts, String lastError,
        Instant failedAt) implements EventData {
}
