package no.knutepunkt.model.event;

import java.time.Instant;

/** Delivery to a municipality's EPJ resumed: every pause in force ends now; planned windows stay. */
@EventType("no.knutepunkt.delivery.resumed.v1")
public record DeliveryResumed(String orgnr, String resumedBy, Instant resumedAt) implements EventData {
}
