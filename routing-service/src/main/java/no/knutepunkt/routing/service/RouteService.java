package no.knutepunkt.routing.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.RouteRegistered;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.routing.Route;
import no.knutepunkt.routing.messaging.RoutingPublisher;
import no.knutepunkt.routing.repository.RouteRepository;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/** Changes to the routing register are events first; the projection follows from the topic. */
@ApplicationScoped
public class RouteService {

    /** The CloudEvents source of every event routing-service writes. */
    public static final String SOURCE = "knutepunkt/routing-service";
    static final Set<String> PRODUCTS = Set.of("cosdoc", "gerica", "profil", "helseplattformen", "generic-fhir");
    static final Set<String> MODES = Set.of("push", "pull", "both");

    private final RouteRepository routes;
    private final RoutingPublisher publisher;

    public RouteService(RouteRepository routes, RoutingPublisher publisher) {
        this.routes = routes;
        this.publisher = publisher;
    }

    /**
     * A route as an operator sets it: the destination, and per-kind rules.
     *
     * @param credentialsRef the name of the secret with the EPJ's client credentials; the secret itself is never here
     */
    public record RouteRequest(String epjProduct, String mode, String endpoint, String credentialsRef,
            Map<MessageKind, KindRule> kinds) {

        Destination destination() {
            return new Destination(epjProduct, mode, endpoint, credentialsRef);
        }

        Map<MessageKind, KindRule> kindsOrNone() {
            return kinds == null ? Map.of() : kinds;
        }
    }

    /** Registers the route, or returns null when it is already exactly so (setting it twice changes nothing). */
    @WithSession
    public Uni<RouteRegistered> register(String orgnr, RouteRequest request, String changedBy) {
        if (request == null) {
            throw invalid("route-request", "a route needs epjProduct and mode");
        }
        Destination wanted = request.destination();
        validate(wanted);
        for (KindRule rule : request.kindsOrNone().values()) {
            if (rule == null || rule.priority() != null && (rule.priority() < 0 || rule.priority() > 9)) {
                throw invalid("route-kind-priority", "a kind's priority is 0 (first) to 9");
            }
        }
        return routes.findById(orgnr).chain(current -> {
            if (current != null && current.destination().equals(wanted)
                    && current.kinds().equals(request.kindsOrNone())) {
                return Uni.createFrom().nullItem();
            }
            RouteRegistered registered = new RouteRegistered(orgnr, current == null ? 1 : current.version + 1,
                    wanted, changedBy, Instant.now().truncatedTo(ChronoUnit.MICROS), request.kindsOrNone());
            return publisher.routeChanged(EventEnvelope.create(SOURCE, orgnr, null, null, registered))
                    .replaceWith(registered);
        });
    }

    @WithTransaction
    public Uni<Void> apply(RouteRegistered event) {
        return routes.findById(event.orgnr()).chain(existing -> {
            if (existing != null && existing.version >= event.version()) {
                return Uni.createFrom().voidItem();
            }
            Route r = existing != null ? existing : new Route();
            r.orgnr = event.orgnr();
            r.version = event.version();
            r.epjProduct = event.destination().epjProduct();
            r.mode = event.destination().mode();
            r.endpoint = event.destination().endpoint();
            r.credentialsRef = event.destination().credentialsRef();
            r.registeredBy = event.registeredBy();
            r.registeredAt = event.registeredAt();
            r.kindRules = event.kinds() == null || event.kinds().isEmpty() ? null
                    : EventCodec.mapper().valueToTree(event.kinds()).toString();
            return routes.persist(r).replaceWithVoid();
        });
    }

    private static void validate(Destination d) {
        if (d == null || !PRODUCTS.contains(d.epjProduct()) || !MODES.contains(d.mode())) {
            throw invalid("route-request", "epjProduct must be one of " + PRODUCTS + " and mode one of " + MODES);
        }
        if (!"pull".equals(d.mode())) {
            URI uri;
            try {
                uri = URI.create(d.endpoint());
            } catch (RuntimeException e) {
                throw invalid("route-endpoint", "endpoint must be an http(s) URL");
            }
            if (d.endpoint() == null || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw invalid("route-endpoint", "endpoint must be an http(s) URL");
            }
        }
    }

    private static Rejection invalid(String rule, String text) {
        return new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, rule, text));
    }
}
