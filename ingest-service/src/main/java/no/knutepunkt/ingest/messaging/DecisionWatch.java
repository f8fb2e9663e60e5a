package no.knutepunkt.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCatalog;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.ReadAuthorized;
import no.knutepunkt.model.event.ReadRouted;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait a bounded time for what answers it: consent's decision on its own message, or a read's end
 * (its denial, its answer, or why it got none). Those are made and recorded by the other stages as usual; this only
 * hears them. Every instance reads every one, since the request may be waiting on any of them.
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
        heard(EventCodec.decode(event));
    }

    /** A read is answered by its denial, its answer or its failure; its authorization and route are steps. */
    @Incoming("read-watch")
    public void onRead(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        if (!STEPS.contains(envelope.type())) {
            heard(envelope);
        }
    }

    private static final Set<String> STEPS = Set.of(EventCatalog.typeOf(ReadAuthorized.class),
            EventCatalog.typeOf(ReadRouted.class));

    private void heard(EventEnvelope envelope) {
        CompletableFuture<EventEnvelope> future = waiting.get(envelope.correlationid());
        if (future != null) {
            future.complete(envelope);
        }
    }
}
