package no.knutepunkt.delivery.service;

import no.knutepunkt.model.kafka.LogFields;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.messaging.DeliveryTraces;
import no.knutepunkt.delivery.repository.DeliveryRepository;
import no.knutepunkt.delivery.service.EpjDelivery.Attempt;
import no.knutepunkt.model.crypto.PayloadVault;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes what is due from the queue and pushes it, every {@code delivery.dispatch-every} and at once when a message is
 * queued. One EPJ is served by one sequence of attempts at a time (a few side by side, never two of one patient), in
 * queue order, so a slow or hanging EPJ holds up only its own messages; a failure ends the sequence, and the circuit
 * breaker decides when that EPJ is tried again.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final DeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final EpjDelivery epj;
    private final CircuitBreakers breakers;
    private final DeliveryConfig config;
    private final Vertx vertx;
    private final PayloadVault vault;
    /** Endpoints with a sequence of attempts under way. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean looking = new AtomicBoolean();
    /** Asked to look while a look was under way: look again after it. */
    private final AtomicBoolean again = new AtomicBoolean();
    private long timer = -1;
    /** Set on SIGTERM: no new attempts. */
    private volatile boolean stopping;
    private final Tracer tracer;

    public Dispatcher(DeliveryRepository deliveries, DeliveryQueue queue, EpjDelivery epj, CircuitBreakers breakers,
            DeliveryConfig config, Vertx vertx, PayloadVault vault, Tracer tracer) {
        this.tracer = tracer;
        this.vault = vault;
        this.deliveries = deliveries;
        this.queue = queue;
        this.epj = epj;
        this.breakers = breakers;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent start) {
        timer = vertx.setPeriodic(config.dispatchEvery().toMillis(), id -> look());
    }

    /**
     * On SIGTERM, before the broker and database connections close (an early observer): no attempt is started any
     * more, and those under way are finished and recorded, so that a message the EPJ took is not sent again by the next
     * pod. Waits at most one request timeout and a little.
     */
    void stop(@Observes @Priority(100) ShutdownEvent stop) throws InterruptedException {
        stopping = true;
        vertx.cancelTimer(timer);
        long deadline = System.nanoTime() + config.requestTimeout().plusSeconds(5).toNanos();
        int waitedFor = busy.size();
        while ((looking.get() || !busy.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (waitedFor > 0) {
            LOG.infof("stopping: deliveries to %d EPJs were under way; %d still are", waitedFor, busy.size());
        }
    }

    /** Looks at the queue now (or right after the look under way). */
    public void look() {
        if (stopping) {
            return;
        }
        if (!looking.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Context context = isolated(vertx);
        context.runOnContext(v -> dispatch().subscribe().with(done -> finished(), e -> {
            LOG.warnf("looking at the delivery queue failed, looked at again shortly: %s", e.toString());
            finished();
        }));
    }

    private void finished() {
        looking.set(false);
        if (again.get()) {
            look();
        }
    }

    private Uni<Void> dispatch() {
        Instant now = DeliveryQueue.now();
        // rows read while an EPJ's sequence was under way may be stale by the time it ends: leave that EPJ to the
        // next look (only a look starts sequences, and one look runs at a time, so the others' rows are fresh)
        Set<String> busyWhenRead = Set.copyOf(busy);
        return Panache.withSession(() -> deliveries.due(now, config.dispatchBatch())).invoke(due -> {
            Map<String, List<Delivery>> byEndpoint = new LinkedHashMap<>();
            for (Delivery d : due) {
                byEndpoint.computeIfAbsent(d.endpoint, e -> new ArrayList<>()).add(d);
            }
            byEndpoint.forEach((endpoint, waiting) -> {
                int allowed = breakers.allowance(endpoint, now, waiting.size());
                if (allowed == 0 || busyWhenRead.contains(endpoint) || !busy.add(endpoint)) {
                    return;
                }
                boolean probe = breakers.isOpen(endpoint);
                // a probe rotates among the waiting messages, so that one bad message cannot keep the circuit open
                List<Delivery> batch = probe
                        ? List.of(waiting.stream().min(Comparator.comparingInt((Delivery d) -> d.attempts)).get())
                        : waiting.subList(0, Math.min(allowed, waiting.size()));
                send(endpoint, batch, probe).subscribe().with(done -> {
                    busy.remove(endpoint);
                    look(); // more may be waiting for this EPJ
                }, e -> {
                    busy.remove(endpoint);
                    LOG.warnf("delivery to an EPJ stopped on an error, resumed at the next look: %s", e.toString());
                });
            });
        }).replaceWithVoid();
    }

    /**
     * Attempts the messages in queue order, priority by priority (every alarm is answered before a note is sent); within
     * one priority up to {@code delivery.per-epj-concurrency} side by side (a look takes at most one message per
     * patient, so no patient's order is at stake). Once one has failed, no more are started.
     */
    private Uni<Void> send(String endpoint, List<Delivery> batch, boolean probe) {
        AtomicBoolean failed = new AtomicBoolean();
        Map<Integer, List<Delivery>> byPriority = new java.util.TreeMap<>();
        batch.forEach(d -> byPriority.computeIfAbsent(d.priority, p -> new ArrayList<>()).add(d));
        return Multi.createFrom().iterable(byPriority.values())
                .onItem().transformToUniAndConcatenate(same -> Multi.createFrom().iterable(same)
                        .onItem().transformToUni(d -> failed.get() || stopping ? Uni.createFrom().voidItem()
                                : attempt(endpoint, d, probe, failed))
                        .merge(config.perEpjConcurrency())
                        .collect().last())
                .collect().last().replaceWithVoid();
    }

    /**
     * One attempt, on a context of its own so that its database session is its own, and in a span of the message's
     * trace that is the parent of the outcome it publishes.
     */
    private Uni<Void> attempt(String endpoint, Delivery d, boolean probe, AtomicBoolean failed) {
        Context context = isolated(vertx);
        Span span = tracer.spanBuilder("deliver to EPJ").setSpanKind(SpanKind.CLIENT)
                .setParent(DeliveryTraces.of(d)).setAttribute("knutepunkt.epj.product", d.epjProduct)
                .setAttribute("knutepunkt.delivery.attempt", d.attempts + 1L)
                .setAttribute("knutepunkt.delivery.probe", probe).startSpan();
        return Uni.createFrom().emitter(done -> context.runOnContext(v -> {
            Scope scope = span.makeCurrent();
            LogFields.follow(d.messageId);
            vault.open(d.messageId, d.payload)
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(payload -> epj.attempt(d, payload))
                    .onFailure(PayloadVault.Erased.class).recoverWithItem(EpjDelivery.ERASED)
                    .emitOn(command -> context.runOnContext(x -> command.run()))
                    .chain(attempt -> {
                        span.setAttribute("knutepunkt.delivery.delivered", attempt.delivered());
                        if (!attempt.delivered()) {
                            span.setStatus(StatusCode.ERROR, "not delivered");
                        }
                        boolean back = note(endpoint, d, attempt, failed);
                        // the messages that failed while the EPJ was down wait no longer than the EPJ did
                        Instant probeAgainAt = !probe ? null
                                : Objects.requireNonNullElse(breakers.reopensAt(endpoint), DeliveryQueue.now());
                        return queue.record(d, attempt, probeAgainAt)
                                .call(() -> back ? queue.retryNow(endpoint) : Uni.createFrom().voidItem());
                    })
                    .onTermination().invoke(() -> {
                        span.end();
                        scope.close();
                    })
                    .subscribe().with(done::complete, done::fail);
        }));
    }

    /** Tells the circuit; true when this attempt found an EPJ back whose circuit was open. */
    private boolean note(String endpoint, Delivery d, Attempt attempt, AtomicBoolean failed) {
        if (attempt.delivered()) {
            return breakers.succeeded(endpoint);
        }
        failed.set(true);
        if (!attempt.refused()) {
            breakers.failed(endpoint, DeliveryQueue.now());
        }
        LOG.infof("delivery of message %s, attempt %d failed: %s%s", d.messageId, d.attempts + 1, attempt.error(),
                breakers.isOpen(endpoint) ? " (circuit open: the EPJ is probed, not flooded)" : "");
        return false;
    }

    /** A duplicated context flagged safe, as Hibernate Reactive requires for its sessions. */
    static Context isolated(Vertx vertx) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return context;
    }
}
