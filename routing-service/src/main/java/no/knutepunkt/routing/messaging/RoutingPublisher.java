package no.knutepunkt.routing.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Writes route changes and routing decisions; each Uni completes when the broker has acknowledged. */
@ApplicationScoped
public class RoutingPublisher {

    private final MutinyEmitter<String> routeChanges;
    private final MutinyEmitter<String> routes;
    private final MutinyEmitter<String> readRoutes;

    public RoutingPublisher(@Channel("route-changes") MutinyEmitter<String> routeChanges,
            @Channel("routes") MutinyEmitter<String> routes, @Channel("reads-routed") MutinyEmitter<String> readRoutes) {
        this.routeChanges = routeChanges;
        this.routes = routes;
        this.readRoutes = readRoutes;
    }

    /** A read routed, or why it cannot be: both on routing's read topic. */
    public Uni<Void> readRouted(EventEnvelope envelope) {
        return readRoutes.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> routeChanged(EventEnvelope envelope) {
        return routeChanges.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> routed(EventEnvelope envelope) {
        return routes.sendMessage(KafkaEvents.message(envelope));
    }
}
