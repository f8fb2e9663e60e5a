package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Someone had messages delivered again (after an EPJ was restored from backup, say): who, why, which, and how fast.
 *
 * @param perEpjPerSecond the cap on how many messages are put back in each EPJ's queue per second
 * @param matched         messages the filter took (and that will be re-driven)
 * @param journaledSkipped messages the filter matched but the EPJ had journaled: left alone
 */
@EventType("no.knutepunkt.delivery.redrive-requested.v1")
public record RedriveRequested(String redriveId, RedriveFilter filter, int perEpjPerSecond, int matched,
        int journaledSkipped, String reason, String requestedBy, Instant requestedAt) implements EventData {
}
