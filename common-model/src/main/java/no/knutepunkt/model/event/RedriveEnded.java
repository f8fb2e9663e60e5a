package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A re-drive ended: every message taken was re-driven ({@code finished}), or someone stopped it ({@code cancelled}).
 *
 * @param redriven messages re-driven by then
 * @param endedBy  who cancelled it; the service itself when it finished
 */
@EventType("no.knutepunkt.delivery.redrive-ended.v1")
public record RedriveEnded(String redriveId, String outcome, int redriven, String endedBy, Instant endedAt)
        implements EventData {
}
