package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * An operator or the municipality acted on a dead letter.
 *
 * @param action resent (delivered again, from the first attempt), deleted (with a reason) or restored (undeleted)
 */
@EventType("no.knutepunkt.delivery.dead-letter-handled.v1")
public record DeadLetterHandled(String messageId, String orgnr, String action, String reason, String handledBy,
        Instant handledAt) implements EventData {
}
