package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Routing chose a destination for an authorized message, by the named rule and register version.
 */
@EventType("no.knutepunkt.routing.routed.v1")
public record MessageRouted(String messageId, String orgnr, MessageKind kind, Destination destination, String rule,
        int routeVersion, String payload, Instant routedAt) implements EventData {
}
