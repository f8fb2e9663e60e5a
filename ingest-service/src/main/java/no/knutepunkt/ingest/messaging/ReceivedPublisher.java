package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Writes received messages and requested reads; the returned Uni completes when the broker has acknowledged
 * (acks=all).
 */
@ApplicationScoped
public class ReceivedPublisher {

    private final MutinyEmitter<String> emitter;
    private final MutinyEmitter<String> reads;

    public ReceivedPublisher(@Channel("received") MutinyEmitter<String> emitter,
            @Channel("reads-requested") MutinyEmitter<String> reads) {
        this.emitter = emitter;
        this.reads = reads;
    }

    public Uni<Void> publishRead(EventEnvelope envelope) {
        return reads.sendMessage(KafkaEvents.message(envelope));
    }

    public Uni<Void> publish(EventEnvelope envelope) {
        return emitter.sendMessage(KafkaEvents.message(envelope));
    }
}
