package no.knutepunkt.delivery.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.kafka.KafkaEvents;
import no.knutepunkt.model.metrics.FlowMetrics;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Writes delivery events; each Uni completes when the broker has acknowledged. */
@ApplicationScoped
public class DeliveryPublisher {

    /** The CloudEvents source of every event delivery-service writes. */
    public static final String SOURCE = "knutepunkt/delivery-service";

    private final MutinyEmitter<String> outcomes;
    private final MutinyEmitter<String> control;
    private final MutinyEmitter<String> readOutcomes;
    private final FlowMetrics metrics;

    public DeliveryPublisher(@Channel("outcomes") MutinyEmitter<String> outcomes,
            @Channel("control-changes") MutinyEmitter<String> control,
            @Channel("read-outcomes") MutinyEmitter<String> readOutcomes, FlowMetrics metrics) {
        this.outcomes = outcomes;
        this.control = control;
        this.readOutcomes = readOutcomes;
        this.metrics = metrics;
    }

    /** What a read disclosed, or why it got no answer, caused by its routed event. */
    public Uni<Void> readOutcome(EventEnvelope routed, EventData outcome) {
        return readOutcomes.sendMessage(KafkaEvents.message(EventEnvelope.causedBy(routed, SOURCE, outcome)));
    }

    /**
     * An outcome of a message, caused by its routed event and keyed by its patient, like the rest of its life; in the
     * message's trace, also when a pulling EPJ's request acknowledged it.
     */
    public Uni<Void> outcome(Delivery d, EventData outcome) {
        return outcomes.sendMessage(KafkaEvents.message(EventEnvelope.create(SOURCE, d.patientKey, d.messageId,
                d.routedEventId, outcome)).addMetadata(TracingMetadata.withCurrent(DeliveryTraces.of(d))))
                .invoke(() -> metrics.count(outcome, d.orgnr, d.kind, d.sender));
    }

    /** A pause, resume or dead-letter action, keyed by the municipality so that its actions stay in order. */
    public Uni<Void> control(String orgnr, String correlationId, EventData action) {
        return control.sendMessage(KafkaEvents.message(EventEnvelope.create(SOURCE, orgnr, correlationId, null,
                action)));
    }
}
