package no.knutepunkt.model.event;

import java.time.Instant;

/** No destination exists for an authorized message; it waits for nothing and says why. */
@EventType("no.knutepunkt.routing.unroutable.v1")
public record MessageUnroutable(String messageId, String orgnr, String reason, Instant routedAt)
        implements EventData {
}
