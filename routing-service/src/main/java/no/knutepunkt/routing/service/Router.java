package no.knutepunkt.routing.service;

import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.MessageUnroutable;
import no.knutepunkt.routing.Route;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Chooses the destination of one authorized message, and names the rule and register version that chose it. */
public final class Router {

    private Router() {
    }

    public static EventData route(MessageAuthorized message, Route route) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (route == null) {
            return new MessageUnroutable(message.messageId(), message.orgnr(),
                    "no route registered for municipality " + message.orgnr(), now);
        }
        if ("pull".equals(route.mode)) {
            return new MessageUnroutable(message.messageId(), message.orgnr(),
                    "municipality " + message.orgnr() + " is set to EPJ pull, which this version does not serve", now);
        }
        return new MessageRouted(message.messageId(), message.orgnr(), message.kind(), route.destination(),
                "municipality-route", route.version, message.payload(), now);
    }
}
