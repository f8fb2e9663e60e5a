package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Writes received events; the returned Uni completes when the broker has acknowledged (acks=all). */
@ApplicationScoped
public class ReceivedPublisher {

    private final MutinyEmitter<String> emitter;

    public ReceivedPublisher(@Channel("received") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(EventEnvelope envelope) {
        return emitter.sendMessage(KafkaEvents.message(envelope));
    }
}
