package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait a bounded time for consent's decision on its own message. The decision is made and recorded
 * by consent-service as usual; this only hears it. Every instance reads every decision, since the request may be
 * waiting on any of them.
 */
@ApplicationScoped
public class DecisionWatch {

    private final Map<String, CompletableFuture<EventData>> waiting = new ConcurrentHashMap<>();

    /** Call before the received event is published, so that no decision can come before anyone listens. */
    public void expect(String messageId) {
        waiting.put(messageId, new CompletableFuture<>());
    }

    /** The decision, or null when none came within {@code wait}. */
    public Uni<EventData> decision(String messageId, Duration wait) {
        CompletableFuture<EventData> future = waiting.get(messageId);
        if (future == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().completionStage(future)
                .ifNoItem().after(wait).recoverWithItem((EventData) null)
                .eventually(() -> waiting.remove(messageId));
    }

    public void forget(String messageId) {
        waiting.remove(messageId);
    }

    @Incoming("decision-watch")
    public void on(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        CompletableFuture<EventData> future = waiting.get(envelope.correlationid());
        if (future != null) {
            future.complete(envelope.payload());
        }
    }
}
