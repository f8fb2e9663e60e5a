package no.knutepunkt.consent.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Writes register changes and decisions; each Uni completes when the broker has acknowledged. */
@ApplicationScoped
public class ConsentPublisher {

    private final MutinyEmitter<String> grantChanges;
    private final MutinyEmitter<String> decisions;

    public ConsentPublisher(@Channel("grant-changes") MutinyEmitter<String> grantChanges,
            @Channel("decisions") MutinyEmitter<String> decisions) {
        this.grantChanges = grantChanges;
        this.decisions = decisions;
    }

    public Uni<Void> grantChanged(EventEnvelope envelope) {
        return grantChanges.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> decided(EventEnvelope envelope) {
        return decisions.sendMessage(KafkaEvents.message(envelope));
    }
}
