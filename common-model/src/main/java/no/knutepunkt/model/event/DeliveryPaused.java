package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Delivery to a municipality's EPJ is paused, from now or as a planned maintenance window. Messages wait quietly.
 *
 * @param until the end of the window, or null until resumed
 */
@EventType("no.knutepunkt.delivery.paused.v1")
public record DeliveryPaused(String pauseId, String orgnr, Instant from, Instant until, String reason,
        String pausedBy, Instant pausedAt) implements EventData {
}
