package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Writes received events; the returned Uni completes when the broker has acknowledged (acks=all). */
@ApplicationScoped
public class ReceivedPublisher {

    private final MutinyEmitter<String> emitter;

    public ReceivedPublisher(@Channel("received") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(EventEnvelope envelope) {
        // keyed by the pseudonymous patient key: one patient's messages stay in order on one partition
        return emitter.sendMessage(Message.of(EventCodec.encode(envelope))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.subject()).build()));
    }
}
