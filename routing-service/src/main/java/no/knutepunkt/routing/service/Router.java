package no.knutepunkt.routing.service;

import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.MessageUnroutable;
import no.knutepunkt.model.event.ReadAuthorized;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.ReadRouted;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.fhir.VkpCode;
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

    /**
     * The EPJ that answers a municipality's reads: its route's, when the EPJ is pushed to (a pull-only EPJ fetches
     * what is addressed to it and has no endpoint the hub can search).
     */
    public static EventData route(ReadAuthorized read, Route route) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (route == null) {
            return new ReadFailed(read.readId(), read.orgnr(), read.sender(), "routing", 404,
                    VkpCode.INVALID_ORG.code(), "no-route", "municipality " + read.orgnr()
                            + " has no EPJ registered at the hub", null, now);
        }
        Destination destination = route.destination();
        if ("pull".equals(destination.mode()) || destination.endpoint() == null) {
            return new ReadFailed(read.readId(), read.orgnr(), read.sender(), "routing", 501, VkpCode.OTHER.code(),
                    "epj-pull-only", "municipality " + read.orgnr() + "'s EPJ fetches its messages from the hub "
                            + "and cannot be searched through it", null, now);
        }
        return new ReadRouted(read.readId(), read.orgnr(), read.sender(), read.resource(), read.serviceCodes(),
                read.patientKey(), read.query(), read.servicePatterns(), destination, route.version, now,
                read.answerBy());
    }
}
