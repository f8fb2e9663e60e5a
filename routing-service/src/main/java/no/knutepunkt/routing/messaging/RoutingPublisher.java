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

    public RoutingPublisher(@Channel("route-changes") MutinyEmitter<String> routeChanges,
            @Channel("routes") MutinyEmitter<String> routes) {
        this.routeChanges = routeChanges;
        this.routes = routes;
    }

    public Uni<Void> routeChanged(EventEnvelope envelope) {
        return routeChanges.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> routed(EventEnvelope envelope) {
        return routes.sendMessage(KafkaEvents.message(envelope));
    }
}
