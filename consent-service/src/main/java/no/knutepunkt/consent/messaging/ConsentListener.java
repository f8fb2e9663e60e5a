package no.knutepunkt.consent.messaging;

import no.knutepunkt.model.kafka.LogFields;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.service.ConsentProjection;
import no.knutepunkt.consent.service.DecisionService;
import no.knutepunkt.consent.service.RegisterService;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.ReadRequested;
import no.knutepunkt.model.metrics.FlowMetrics;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;

/**
 * Follows the register and the decisions into the read model, and decides every received message. Work is retried
 * through short database outages; what still fails is parked on the dead-letter topic, never dropped.
 */
@ApplicationScoped
public class ConsentListener {

    private final ConsentProjection projection;
    private final Pool db;
    private final DecisionService decisions;
    private final ConsentPublisher publisher;
    private final FlowMetrics metrics;

    public ConsentListener(ConsentProjection projection, Pool db, DecisionService decisions,
            ConsentPublisher publisher, FlowMetrics metrics) {
        this.projection = projection;
        this.db = db;
        this.decisions = decisions;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Incoming("register")
    public Uni<Void> onRegisterChange(String event) {
        return retried(projection.apply(db, EventCodec.decode(event).payload()));
    }

    @Incoming("decided")
    public Uni<Void> onDecision(String event) {
        return retried(projection.apply(db, EventCodec.decode(event).payload()));
    }

    @Incoming("received")
    public Uni<Void> onReceived(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        MessageReceived message = (MessageReceived) envelope.payload();
        LogFields.follow(envelope.correlationid());
        return retried(decisions.decide(message))
                .call(decision -> publisher.decided(EventEnvelope.causedBy(envelope, RegisterService.SOURCE, decision)))
                .invoke(decision -> metrics.count(decision, message.orgnr(), message.kind(),
                        message.sender().vkpId()))
                .replaceWithVoid();
    }

    /**
     * A read is decided as the register stood when it was asked; each decision is on the log, late or not. A read
     * ingest refused at the door was never asked, and is not decided.
     */
    @Incoming("reads-requested")
    public Uni<Void> onReadRequested(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        if (!(envelope.payload() instanceof ReadRequested read)) {
            return Uni.createFrom().voidItem();
        }
        LogFields.follow(envelope.correlationid());
        return retried(decisions.decide(read))
                .call(decision -> publisher.readDecided(EventEnvelope.causedBy(envelope, RegisterService.SOURCE,
                        decision)))
                .replaceWithVoid();
    }

    private static <T> Uni<T> retried(Uni<T> work) {
        return work.onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(8);
    }
}
