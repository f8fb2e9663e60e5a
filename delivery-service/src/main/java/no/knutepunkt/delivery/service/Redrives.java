package no.knutepunkt.delivery.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.Redrive;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.messaging.DeliveryPublisher;
import no.knutepunkt.delivery.repository.RedriveRepository;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageRedriven;
import no.knutepunkt.model.event.RedriveEnded;
import no.knutepunkt.model.event.RedriveFilter;
import no.knutepunkt.model.event.RedriveRequested;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Re-drives: messages chosen by a filter put back in their EPJs' queues, never those the EPJ has journaled, at most
 * {@code perEpjPerSecond} per EPJ, after a dry run that says how many. The request, each re-driven message and the
 * end are events on the control topic; the progress is counted from the queue, so it survives a restart, and a
 * re-drive still running when the service starts goes on where it was.
 */
@ApplicationScoped
public class Redrives {

    private static final Logger LOG = Logger.getLogger(Redrives.class);
    static final Set<String> STATES = Set.of(Delivery.DELIVERED, Delivery.DEAD, Delivery.AWAITING_PULL);
    private static final Duration TICK = Duration.ofMillis(100);

    private final RedriveRepository redrives;
    private final DeliveryPublisher publisher;
    private final DeliveryConfig config;
    private final Vertx vertx;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    public Redrives(RedriveRepository redrives, DeliveryPublisher publisher, DeliveryConfig config, Vertx vertx) {
        this.redrives = redrives;
        this.publisher = publisher;
        this.config = config;
        this.vertx = vertx;
    }

    /** What a re-drive would do: the dry run. */
    public record Plan(boolean dryRun, RedriveFilter filter, int perEpjPerSecond, int matched, int journaledSkipped,
            Map<String, Integer> byEpj, Map<String, Integer> byState, long estimatedSeconds) {
    }

    /** A re-drive and how far it has come. */
    public record Progress(String redriveId, String state, RedriveFilter filter, int perEpjPerSecond, int matched,
            int journaledSkipped, long redriven, long deliveredAgain, String reason, String requestedBy,
            Instant requestedAt, String endedBy, Instant endedAt) {
    }

    /** Completes the filter (states, until now) and checks it and the rate. */
    public RedriveFilter complete(RedriveFilter f) {
        if (f == null || f.from() == null) {
            throw invalid("redrive-from", "a re-drive needs a time range: from (and to, now when absent)");
        }
        Instant to = f.to() == null ? DeliveryQueue.now() : f.to();
        if (!to.isAfter(f.from())) {
            throw invalid("redrive-range", "to must be after from");
        }
        List<String> states = f.states() == null || f.states().isEmpty()
                ? List.of(Delivery.DELIVERED, Delivery.DEAD) : f.states();
        if (!STATES.containsAll(states)) {
            throw invalid("redrive-state", "states are among " + new java.util.TreeSet<>(STATES));
        }
        return new RedriveFilter(f.orgnr(), f.epj(), f.sender(), f.kind(), f.from(), to, List.copyOf(states));
    }

    public int rate(Integer perEpjPerSecond) {
        int rate = perEpjPerSecond == null ? config.redrive().defaultPerEpjPerSecond() : perEpjPerSecond;
        if (rate < 1 || rate > config.redrive().maxPerEpjPerSecond()) {
            throw invalid("redrive-rate", "perEpjPerSecond is from 1 to " + config.redrive().maxPerEpjPerSecond());
        }
        return rate;
    }

    public Uni<Plan> plan(RedriveFilter filter, int rate) {
        return Panache.withSession(() -> redrives.matching(filter, null)
                .chain(taken -> redrives.journaled(filter).map(journaled -> {
                    Map<String, Integer> byEpj = new TreeMap<>();
                    Map<String, Integer> byState = new TreeMap<>();
                    for (Delivery d : taken) {
                        byEpj.merge(d.endpoint, 1, Integer::sum);
                        byState.merge(d.state, 1, Integer::sum);
                    }
                    long seconds = byEpj.values().stream().mapToLong(n -> (n + rate - 1) / rate).max().orElse(0);
                    return new Plan(true, filter, rate, taken.size(), journaled.intValue(), byEpj, byState, seconds);
                })));
    }

    /** Records the re-drive (after a fresh dry run, whose counts it carries) and starts it. */
    public Uni<Progress> start(RedriveFilter filter, int rate, String reason, String by) {
        if (reason == null || reason.isBlank()) {
            throw invalid("redrive-reason", "a re-drive needs a reason, recorded with it");
        }
        return plan(filter, rate).chain(plan -> {
            if (plan.matched() == 0) {
                throw new Rejection(422, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "redrive-empty",
                        "the filter takes no message that is not journaled (" + plan.journaledSkipped()
                                + " journaled ones are left alone)"));
            }
            String id = UUID.randomUUID().toString();
            RedriveRequested requested = new RedriveRequested(id, filter, rate, plan.matched(),
                    plan.journaledSkipped(), reason, by, DeliveryQueue.now());
            return publisher.control(key(filter), id, requested)
                    .chain(() -> applied(id, r -> true))
                    .chain(this::resume);
        });
    }

    public Uni<Progress> cancel(String redriveId, String by) {
        return Panache.withSession(() -> redrives.findById(redriveId)).chain(r -> {
            if (r == null) {
                throw unknown(redriveId);
            }
            if (!Redrive.RUNNING.equals(r.state)) {
                throw new Rejection(409, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "redrive-state",
                        "re-drive " + redriveId + " is " + r.state));
            }
            Run run = runs.get(redriveId);
            if (run != null) {
                run.cancelled.set(true);
            }
            return Panache.withSession(() -> redrives.redriven(redriveId))
                    .chain(n -> publisher.control(r.orgnr == null ? "*" : r.orgnr, redriveId,
                            new RedriveEnded(redriveId, Redrive.CANCELLED, n.intValue(), by, DeliveryQueue.now())))
                    .chain(() -> applied(redriveId, row -> !Redrive.RUNNING.equals(row.state)))
                    .chain(this::progress);
        });
    }

    public Uni<Progress> progress(String redriveId) {
        return Panache.withSession(() -> redrives.findById(redriveId)).chain(r -> {
            if (r == null) {
                throw unknown(redriveId);
            }
            return progress(r);
        });
    }

    public Uni<List<Redrive>> list(String orgnr) {
        return Panache.withSession(() -> redrives.of(orgnr));
    }

    public Uni<Progress> progress(Redrive r) {
        return Panache.withSession(() -> redrives.redriven(r.redriveId)
                .chain(n -> redrives.deliveredAgain(r).map(delivered -> new Progress(r.redriveId, r.state,
                        filterOf(r), r.perEpjPerSecond, r.matched, r.journaledSkipped, n, delivered, r.reason,
                        r.requestedBy, r.requestedAt, r.endedBy, r.endedAt))));
    }

    /** Applies a re-drive's request or end from the control topic (idempotent: replay changes nothing). */
    public Uni<Void> apply(EventData event) {
        if (event instanceof RedriveRequested e) {
            return Panache.withTransaction(() -> redrives.findById(e.redriveId()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().voidItem();
                }
                Redrive r = new Redrive();
                r.redriveId = e.redriveId();
                r.filter = EventCodec.mapper().valueToTree(e.filter()).toString();
                r.orgnr = e.filter().orgnr();
                r.perEpjPerSecond = e.perEpjPerSecond();
                r.matched = e.matched();
                r.journaledSkipped = e.journaledSkipped();
                r.reason = e.reason();
                r.requestedBy = e.requestedBy();
                r.requestedAt = e.requestedAt();
                r.state = Redrive.RUNNING;
                return redrives.persist(r).replaceWithVoid();
            }));
        }
        if (event instanceof RedriveEnded e) {
            Run run = runs.get(e.redriveId());
            if (run != null) {
                run.cancelled.set(true);
            }
            return Panache.withTransaction(() -> redrives.findById(e.redriveId()).invoke(r -> {
                if (r != null && Redrive.RUNNING.equals(r.state)) { // the first end counts
                    r.state = e.outcome();
                    r.endedBy = e.endedBy();
                    r.endedAt = e.endedAt();
                }
            })).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    void resumeRunning(@Observes StartupEvent start) {
        Dispatcher.isolated(vertx).runOnContext(v -> Panache.withSession(redrives::running)
                .onItem().transformToMulti(Multi.createFrom()::iterable)
                .onItem().transformToUniAndConcatenate(this::resume)
                .collect().asList()
                .subscribe().with(resumed -> {
                    if (!resumed.isEmpty()) {
                        LOG.infof("%d re-drives that were running go on", resumed.size());
                    }
                }, e -> LOG.warnf("running re-drives could not be resumed: %s", e.toString())));
    }

    /** Starts (or goes on with) a recorded re-drive: what it has not put back yet, paced per EPJ. */
    private Uni<Progress> resume(Redrive r) {
        RedriveFilter filter = filterOf(r);
        return Panache.withSession(() -> redrives.matching(filter, r.redriveId)).invoke(taken -> {
            Run run = new Run(r, taken);
            if (runs.putIfAbsent(r.redriveId, run) == null) {
                run.timer = vertx.setPeriodic(TICK.toMillis(), id -> run.tick());
            }
        }).chain(() -> progress(r));
    }

    /** One re-drive under way: per EPJ, the messages still to put back, and how many went in since it began. */
    private final class Run {
        final Redrive redrive;
        final Map<String, Deque<Delivery>> waiting = new LinkedHashMap<>();
        final Map<String, Integer> sent = new ConcurrentHashMap<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean busy = new AtomicBoolean();
        final long startedNanos = System.nanoTime();
        long timer;

        Run(Redrive redrive, List<Delivery> taken) {
            this.redrive = redrive;
            taken.forEach(d -> waiting.computeIfAbsent(d.endpoint, e -> new ArrayDeque<>()).add(d));
        }

        /** Puts back what each EPJ's cap allows by now: message n of an EPJ goes at n / rate seconds. */
        void tick() {
            if (cancelled.get()) {
                stop();
                return;
            }
            if (!busy.compareAndSet(false, true)) {
                return;
            }
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            long allowed = (long) Math.floor(seconds * redrive.perEpjPerSecond) + 1;
            List<Delivery> now = new ArrayList<>();
            waiting.forEach((endpoint, queue) -> {
                while (!queue.isEmpty() && sent.getOrDefault(endpoint, 0) < allowed) {
                    now.add(queue.poll());
                    sent.merge(endpoint, 1, Integer::sum);
                }
            });
            boolean last = waiting.values().stream().allMatch(Deque::isEmpty);
            Multi.createFrom().iterable(now)
                    .onItem().transformToUniAndConcatenate(d -> cancelled.get() ? Uni.createFrom().voidItem()
                            : publisher.control(d.orgnr, d.messageId, new MessageRedriven(d.messageId, d.orgnr, redrive.redriveId,
                                            DeliveryQueue.now())))
                    .collect().last()
                    .chain(() -> last && !cancelled.get() ? finish() : Uni.createFrom().voidItem())
                    .subscribe().with(done -> busy.set(false), e -> {
                        LOG.warnf("re-drive %s could not put a message back; it goes on where it was: %s",
                                redrive.redriveId, e.toString());
                        stop(); // the next start of the service resumes it from the queue
                    });
        }

        private Uni<Void> finish() {
            stop();
            int total = sent.values().stream().mapToInt(Integer::intValue).sum();
            return publisher.control(key(filterOf(redrive)), redrive.redriveId, new RedriveEnded(redrive.redriveId,
                    Redrive.FINISHED, total, DeliveryPublisher.SOURCE, DeliveryQueue.now()));
        }

        private void stop() {
            vertx.cancelTimer(timer);
            runs.remove(redrive.redriveId, this);
        }
    }

    /** The re-drive once the projection shows {@code done} (bounded wait; 503 if the projection lags behind). */
    private Uni<Redrive> applied(String redriveId, java.util.function.Predicate<Redrive> done) {
        return DeliveryControl.applied(() -> redrives.findById(redriveId).map(r -> r != null && done.test(r)))
                .chain(() -> Panache.withSession(() -> redrives.findById(redriveId)))
                .invoke(r -> {
                    if (r == null) {
                        throw new Rejection(503, Outcomes.error(IssueType.TRANSIENT, VkpCode.OTHER, "redrive-lag",
                                "re-drive " + redriveId + " is recorded but not yet taken in; ask for it shortly"));
                    }
                });
    }

    static RedriveFilter filterOf(Redrive r) {
        try {
            return EventCodec.mapper().readValue(r.filter, RedriveFilter.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored re-drive filter does not read", e);
        }
    }

    private static String key(RedriveFilter f) {
        return f.orgnr() == null ? "*" : f.orgnr();
    }

    private static Rejection unknown(String redriveId) {
        return new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "redrive-unknown",
                "no re-drive " + redriveId));
    }

    private static Rejection invalid(String rule, String text) {
        return new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, rule, text));
    }
}
