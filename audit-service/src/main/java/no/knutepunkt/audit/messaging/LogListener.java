package no.knutepunkt.audit.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.service.TrailIndex;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;

/** Reads every topic of the hub, in each partition's order, into the trail index and its hash chain. */
@ApplicationScoped
public class LogListener {

    private final TrailIndex index;

    public LogListener(TrailIndex index) {
        this.index = index;
    }

    @Incoming("log")
    public Uni<Void> onEvent(ConsumerRecord<String, String> record) {
        return index.apply(record.topic(), record.partition(), record.offset(), record.value())
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(8);
    }
}
