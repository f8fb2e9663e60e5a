package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.Map;

/**
 * An operator set where a municipality's messages go; each change is a new version.
 *
 * @param kinds per-kind rules (priority, journal type); absent in early events, and for kinds without a rule
 */
@EventType("no.knutepunkt.routing.route-registered.v1")
public record RouteRegistered(String orgnr, int version, Destination destination, String registeredBy,
        Instant registeredAt, Map<MessageKind, KindRule> kinds) implements EventData {
}
