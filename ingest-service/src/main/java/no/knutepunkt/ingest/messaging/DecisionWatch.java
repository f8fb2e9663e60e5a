package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;
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

    private final Map<String, CompletableFuture<EventEnvelope>> waiting = new ConcurrentHashMap<>();

    /** Call before the received event is published, so that no decision can come before anyone listens. */
    public void expect(String messageId) {
        waiting.put(messageId, new CompletableFuture<>());
    }

    /** The decision's event, or null when none came within {@code wait}. Completes on the caller's context. */
    public Uni<EventEnvelope> decision(String messageId, Duration wait) {
        CompletableFuture<EventEnvelope> future = waiting.get(messageId);
        if (future == null) {
            return Uni.createFrom().nullItem();
        }
        // the decision arrives on the consumer's thread; the request goes on with its own (database) context
        Context context = Vertx.currentContext();
        Uni<EventEnvelope> heard = Uni.createFrom().completionStage(future)
                .ifNoItem().after(wait).recoverWithItem((EventEnvelope) null)
                .eventually(() -> waiting.remove(messageId));
        return context == null ? heard : heard.emitOn(command -> context.runOnContext(v -> command.run()));
    }

    public void forget(String messageId) {
        waiting.remove(messageId);
    }

    @Incoming("decision-watch")
    public void on(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        CompletableFuture<EventEnvelope> future = waiting.get(envelope.correlationid());
        if (future != null) {
            future.complete(envelope);
        }
    }
}
