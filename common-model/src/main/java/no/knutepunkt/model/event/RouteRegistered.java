package no.knutepunkt.model.event;

import java.time.Instant;

/** An operator set where a municipality's messages go; each change is a new version. */
@EventType("no.knutepunkt.routing.route-registered.v1")
public record RouteRegistered(String orgnr, int version, Destination destination, String registeredBy,
        Instant registeredAt) implements EventData {
}
