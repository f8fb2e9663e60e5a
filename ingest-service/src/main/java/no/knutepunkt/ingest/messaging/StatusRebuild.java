package no.knutepunkt.ingest.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.ingest.service.StatusProjection;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.kafka.Replays;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throws the status projection away and replays every stage's topic into it; idempotency claims the log names are
 * restored too (by the projection; claims are kept: one taken for a message still being written must not be lost). One transaction locks
 * the status table against the live consumer first and only then reads where the topics end, so no event falls
 * between the two. The projection is order-free (each step is set once), so the topics are replayed one after another.
 */
@ApplicationScoped
public class StatusRebuild {

    private static final Logger LOG = Logger.getLogger(StatusRebuild.class);

    private final StatusProjection projection;
    private final MessageStatusRepository statuses;
    private final Vertx vertx;
    private final Replays replays;
    private final List<String> topics;

    public StatusRebuild(StatusProjection projection, MessageStatusRepository statuses,
            Vertx vertx,
            Replays replays,
            @ConfigProperty(name = "mp.messaging.incoming.lifecycle.topics") List<String> topics) {
        this.projection = projection;
        this.statuses = statuses;
        this.vertx = vertx;
        this.replays = replays;
        this.topics = List.copyOf(topics);
    }

    public record Rebuilt(long events, long messages, long millis) {
    }

    /**
     * An empty projection next to topics with events (a new or dropped database) is rebuilt after start, in the
     * background: vendors must be able to write (or hear 504) while it runs, or while the broker is away.
     */
    void onStart(@Observes StartupEvent start) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(v -> Panache.withSession(statuses::count)
                .chain(count -> count > 0 ? Uni.createFrom().nullItem() : rebuild())
                .subscribe().with(done -> {
                }, e -> LOG.warnf("the empty status projection could not be rebuilt from the log at start "
                        + "(POST /ingest/v1/status/projection/rebuild when the broker is back): %s", e.toString())));
    }

    /** Call on a Vert.x context (a request, or a duplicated context made safe). */
    public Uni<Rebuilt> rebuild() {
        Context context = Vertx.currentContext();
        Instant start = Instant.now();
        AtomicLong events = new AtomicLong();
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("LOCK TABLE message_status IN EXCLUSIVE MODE").executeUpdate()
                        .chain(() -> s.createNativeQuery("TRUNCATE message_status").executeUpdate()))
                .chain(() -> blocking(() -> replays.open(topics), context))
                .chain(replay -> Multi.createBy().repeating().uni(() -> blocking(replay::next, context))
                        .until(List::isEmpty)
                        .onItem().transformToUniAndConcatenate(batch -> Multi.createFrom().iterable(batch)
                                .onItem().transformToUniAndConcatenate(value -> apply(value)
                                        .invoke(events::incrementAndGet))
                                .collect().last())
                        .collect().last()
                        .eventually(replay::close))
                .chain(() -> statuses.count()))
                .map(messages -> new Rebuilt(events.get(), messages,
                        Duration.between(start, Instant.now()).toMillis()))
                .invoke(r -> LOG.infof("status projection rebuilt from %d events: %d messages in %d ms", r.events(),
                        r.messages(), r.millis()));
    }

    private Uni<Void> apply(String value) {
        return projection.apply(EventCodec.decode(value));
    }

    /** Blocking Kafka reads off the event loop, and back on the transaction's context. */
    private static <T> Uni<T> blocking(java.util.function.Supplier<T> work, Context context) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(command -> context.runOnContext(v -> command.run()));
    }
}
