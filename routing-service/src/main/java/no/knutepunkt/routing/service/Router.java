package no.knutepunkt.routing.service;

import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.MessageUnroutable;
import no.knutepunkt.routing.Route;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Chooses the destination of one authorized message, with the municipality's rule for its kind (priority, journal
 * type), and names the rule and register version that chose it. Push, pull and both are all routes: delivery serves
 * each.
 */
public final class Router {

    private Router() {
    }

    public static EventData route(MessageAuthorized message, Route route) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (route == null) {
            return new MessageUnroutable(message.messageId(), message.orgnr(),
                    "no route registered for municipality " + message.orgnr(), now);
        }
        KindRule rule = route.kinds().get(message.kind());
        return new MessageRouted(message.messageId(), message.orgnr(), message.kind(), route.destination(),
                rule == null ? "municipality-route" : "municipality-route/" + message.kind().name().toLowerCase(),
                route.version, message.payload(), now, rule == null ? null : rule.priority(),
                rule == null ? null : rule.journalType(), message.sender());
    }
}
