package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.service.StatusProjection;
import no.knutepunkt.model.event.EventCodec;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Follows every stage's topic into the status projection. */
@ApplicationScoped
public class LifecycleListener {

    private final StatusProjection projection;

    public LifecycleListener(StatusProjection projection) {
        this.projection = projection;
    }

    @Incoming("lifecycle")
    public Uni<Void> on(String event) {
        return projection.apply(EventCodec.decode(event));
    }
}
