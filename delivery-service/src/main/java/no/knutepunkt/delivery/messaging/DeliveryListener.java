package no.knutepunkt.delivery.messaging;

import no.knutepunkt.model.kafka.LogFields;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.service.DeliveryQueue;
import no.knutepunkt.delivery.service.Dispatcher;
import no.knutepunkt.delivery.service.Redrives;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.ReadRouted;
import no.knutepunkt.delivery.service.EpjReads;
import io.smallrye.reactive.messaging.annotations.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;

/**
 * Queues each routed message, and follows the control topic (pauses, resumes, dead-letter actions, re-drives). A routed event is
 * acknowledged only once its message is in the queue, so a crash before that means it is read again, never lost.
 */
@ApplicationScoped
public class DeliveryListener {

    private final DeliveryQueue queue;
    private final Dispatcher dispatcher;
    private final Redrives redrives;
    private final EpjReads reads;
    private final DeliveryPublisher publisher;

    public DeliveryListener(DeliveryQueue queue, Dispatcher dispatcher, Redrives redrives, EpjReads reads,
            DeliveryPublisher publisher) {
        this.redrives = redrives;
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.reads = reads;
        this.publisher = publisher;
    }

    /**
     * A routed read is performed at once (reads do not queue: a vendor waits for the answer) on a worker of its own,
     * many side by side. Its outcome is on the log before the read is acknowledged.
     */
    @Incoming("reads-routed")
    @Blocking(value = "epj-reads", ordered = false)
    public void onReadRouted(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        if (!(envelope.payload() instanceof ReadRouted read)) {
            return;
        }
        LogFields.follow(envelope.correlationid());
        publisher.readOutcome(envelope, reads.perform(read)).await().atMost(Duration.ofSeconds(30));
    }

    @Incoming("routes")
    public Uni<Void> onRoute(ConsumerRecord<String, String> record) {
        EventEnvelope envelope = EventCodec.decode(record.value());
        LogFields.follow(envelope.correlationid());
        if (!(envelope.payload() instanceof MessageRouted routed)) {
            return Uni.createFrom().voidItem();
        }
        return retried(queue.enqueue(envelope.id(), envelope.subject(), record.offset(), routed,
                DeliveryTraces.current()))
                .invoke(dispatcher::look);
    }

    @Incoming("control")
    public Uni<Void> onControl(String event) {
        // a resume or a resend may have made messages due
        EventData action = EventCodec.decode(event).payload();
        return retried(queue.apply(action).chain(() -> redrives.apply(action))).invoke(dispatcher::look);
    }

    private static Uni<Void> retried(Uni<Void> work) {
        return work.onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(8);
    }
}
