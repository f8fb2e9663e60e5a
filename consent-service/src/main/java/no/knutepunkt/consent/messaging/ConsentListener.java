package no.knutepunkt.consent.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.repository.GrantRepository;
import no.knutepunkt.consent.service.ConsentDecider;
import no.knutepunkt.consent.service.GrantProjection;
import no.knutepunkt.consent.service.GrantService;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;

/**
 * Follows the register into the grants projection, and decides every received message. A decision is retried
 * through short database outages; what still fails is parked on the dead-letter topic, never dropped.
 */
@ApplicationScoped
public class ConsentListener {

    private final GrantProjection projection;
    private final GrantRepository grants;
    private final ConsentPublisher publisher;

    public ConsentListener(GrantProjection projection, GrantRepository grants, ConsentPublisher publisher) {
        this.projection = projection;
        this.grants = grants;
        this.publisher = publisher;
    }

    @Incoming("grants")
    public Uni<Void> onGrantChange(String event) {
        return projection.apply(EventCodec.decode(event).payload());
    }

    @Incoming("received")
    public Uni<Void> onReceived(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        MessageReceived message = (MessageReceived) envelope.payload();
        return decide(message)
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).atMost(8)
                .chain(decision -> publisher.decided(EventEnvelope.causedBy(envelope, GrantService.SOURCE, decision)));
    }

    private Uni<EventData> decide(MessageReceived message) {
        return Panache.withSession(() -> grants.forSender(message.sender().vkpId(), message.orgnr()))
                .map(found -> ConsentDecider.decide(message, found));
    }
}
