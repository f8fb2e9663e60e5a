package no.knutepunkt.routing.messaging;

import no.knutepunkt.model.kafka.LogFields;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.ReadAuthorized;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.RouteRegistered;
import no.knutepunkt.routing.Route;
import no.knutepunkt.routing.repository.RouteRepository;
import no.knutepunkt.routing.service.RouteService;
import no.knutepunkt.routing.service.Router;
import no.knutepunkt.model.metrics.FlowMetrics;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;

/** Follows the register into the routes projection, and routes every authorized message. Denials end here. */
@ApplicationScoped
public class RoutingListener {

    private final RouteService service;
    private final RouteRepository routes;
    private final RoutingPublisher publisher;
    private final FlowMetrics metrics;

    public RoutingListener(RouteService service, RouteRepository routes, RoutingPublisher publisher,
            FlowMetrics metrics) {
        this.service = service;
        this.routes = routes;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Incoming("register")
    public Uni<Void> onRouteChange(String event) {
        return service.apply((RouteRegistered) EventCodec.decode(event).payload());
    }

    @Incoming("decisions")
    public Uni<Void> onDecision(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        LogFields.follow(envelope.correlationid());
        if (!(envelope.payload() instanceof MessageAuthorized message)) {
            return Uni.createFrom().voidItem();
        }
        return routeOf(message.orgnr()).map(route -> Router.route(message, route))
                .call(decision -> publisher.routed(EventEnvelope.causedBy(envelope, RouteService.SOURCE, decision)))
                .invoke(decision -> metrics.count(decision, message.orgnr(), message.kind(),
                        message.sender().vkpId()))
                .replaceWithVoid();
    }

    /** Reads go to the EPJ's endpoint; a read with no EPJ to ask ends here, with why. */
    @Incoming("read-decisions")
    public Uni<Void> onReadDecision(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        LogFields.follow(envelope.correlationid());
        if (!(envelope.payload() instanceof ReadAuthorized read)) {
            return Uni.createFrom().voidItem();
        }
        java.time.Instant now = java.time.Instant.now();
        // nobody waits for it any more: shed unasked, so that a backlog of dead reads does not delay live ones
        Uni<EventData> routed = now.isBefore(read.answerBy()) ? routeOf(read.orgnr()).map(route -> Router.route(read,
                route)) : Uni.createFrom().item(ReadFailed.expired(read.readId(), read.orgnr(), read.sender(),
                        "routing", now.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        return routed
                .call(decision -> publisher.readRouted(EventEnvelope.causedBy(envelope, RouteService.SOURCE,
                        decision)))
                .replaceWithVoid();
    }

    /** The municipality's route as the projection holds it, retried through short database outages. */
    private Uni<Route> routeOf(String orgnr) {
        return Panache.withSession(() -> routes.findById(orgnr))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(8);
    }
}
