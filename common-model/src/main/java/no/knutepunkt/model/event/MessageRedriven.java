package no.knutepunkt.model.event;

import java.time.Instant;

/** A re-drive put a message back in its EPJ's queue (or, for an EPJ that fetches, at the head of its inbox). */
@EventType("no.knutepunkt.delivery.redriven.v1")
public record MessageRedriven(String messageId, String orgnr, String redriveId, Instant redrivenAt)
        implements EventData {
}
