package no.knutepunkt.model.kafka;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import org.eclipse.microprofile.reactive.messaging.Message;

/** How every service writes an event: the envelope as JSON value, keyed by its subject, with no headers. */
public final class KafkaEvents {

    private KafkaEvents() {
    }

    /**
     * The key is the envelope's subject: a patient's pseudonymous key for messages (so one patient's events stay in
     * order on one partition), the orgnr for register changes. Never personal data.
     */
    public static Message<String> message(EventEnvelope envelope) {
        return Message.of(EventCodec.encode(envelope))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.subject()).build());
    }
}
