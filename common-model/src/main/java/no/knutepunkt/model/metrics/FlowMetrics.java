package no.knutepunkt.model.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.MessageUnroutable;

import java.util.Map;

/**
 * The business metric each service keeps of its own stage: {@code knutepunkt_messages_total} by the state the stage
 * gave a message, its kind, the municipality and the vendor system. These four labels are all there is: never a
 * patient, a message id or free text, so that the series stay few and hold no personal data.
 */
@ApplicationScoped
public class FlowMetrics {

    public static final String MESSAGES = "knutepunkt.messages";

    private static final Map<Class<? extends EventData>, String> STATES = Map.of(MessageReceived.class, "received",
            MessageAuthorized.class, "authorized", MessageDenied.class, "denied", MessageRouted.class, "routed",
            MessageUnroutable.class, "unroutable", MessageDelivered.class, "delivered", DeliveryAttemptFailed.class,
            "retrying", DeliveryFailed.class, "dead", MessageJournaled.class, "journaled");

    private final MeterRegistry registry;

    public FlowMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one message that reached the state {@code event} records; kind and sender may be unknown (null). */
    public void count(EventData event, String orgnr, MessageKind kind, String sender) {
        count(event, orgnr, kind == null ? null : kind.name(), sender);
    }

    public void count(EventData event, String orgnr, String kind, String sender) {
        String state = STATES.get(event.getClass());
        if (state == null) {
            return;
        }
        Counter.builder(MESSAGES).description("Messages by the state a stage gave them")
                .tag("state", state).tag("kind", kind == null ? "unknown" : kind)
                .tag("orgnr", orgnr == null ? "unknown" : orgnr).tag("sender", sender == null ? "unknown" : sender)
                .register(registry).increment();
    }
}
