package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Routing chose a destination for an authorized message, by the named rule and register version.
 *
 * @param priority    its place in the delivery queue (lower first); the kind's default when null (as in early events)
 * @param journalType the EPJ journal type the municipality wants for this kind, or null
 * @param sender      who sent the message, so that deliveries can be found by sender (null in early events)
 */
@EventType("no.knutepunkt.routing.routed.v1")
public record MessageRouted(String messageId, String orgnr, MessageKind kind, Destination destination, String rule,
        int routeVersion, String payload, Instant routedAt, Integer priority, String journalType, Sender sender)
        implements EventData {

    /** A routed event as early releases wrote it: the sender not named. */
    public MessageRouted(String messageId, String orgnr, MessageKind kind, Destination destination, String rule,
            int routeVersion, String payload, Instant routedAt, Integer priority, String journalType) {
        this(messageId, orgnr, kind, destination, rule, routeVersion, payload, routedAt, priority, journalType, null);
    }

    /** The priority in force: the route's rule for the kind, or the kind's default. */
    public int effectivePriority() {
        return priority != null ? priority : kind.defaultPriority();
    }
}
