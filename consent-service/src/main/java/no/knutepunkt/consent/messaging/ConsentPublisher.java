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

    private final MutinyEmitter<String> registerChanges;
    private final MutinyEmitter<String> decisions;
    private final MutinyEmitter<String> readDecisions;

    public ConsentPublisher(@Channel("register-changes") MutinyEmitter<String> registerChanges,
            @Channel("decisions") MutinyEmitter<String> decisions,
            @Channel("read-decisions") MutinyEmitter<String> readDecisions) {
        this.registerChanges = registerChanges;
        this.decisions = decisions;
        this.readDecisions = readDecisions;
    }

    /** A grant or restriction event, keyed by the municipality's orgnr so that its register stays in order. */
    public Uni<Void> registerChanged(EventEnvelope envelope) {
        return registerChanges.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> decided(EventEnvelope envelope) {
        return decisions.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> readDecided(EventEnvelope envelope) {
        return readDecisions.sendMessage(KafkaEvents.message(envelope));
    }
}
