package no.knutepunkt.delivery.messaging;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.service.EpjDelivery;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Delivers each routed message and records the outcome. The routed event is acknowledged only after the outcome is
 * in Kafka, so a crash in between means a redelivery (which the EPJ deduplicates), never a lost message.
 */
@ApplicationScoped
public class DeliveryListener {

    static final String SOURCE = "knutepunkt/delivery-service";

    private final EpjDelivery delivery;
    private final MutinyEmitter<String> outcomes;

    public DeliveryListener(EpjDelivery delivery, @Channel("outcomes") MutinyEmitter<String> outcomes) {
        this.delivery = delivery;
        this.outcomes = outcomes;
    }

    @Incoming("routes")
    @Blocking
    public void onRoute(String event) throws InterruptedException {
        EventEnvelope envelope = EventCodec.decode(event);
        if (envelope.payload() instanceof MessageRouted routed) {
            outcomes.sendMessageAndAwait(KafkaEvents.message(
                    EventEnvelope.causedBy(envelope, SOURCE, delivery.deliver(routed))));
        }
    }
}
