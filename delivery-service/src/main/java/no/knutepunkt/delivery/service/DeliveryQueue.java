package no.knutepunkt.delivery.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.DeliveryPause;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.messaging.DeliveryPublisher;
import no.knutepunkt.delivery.repository.DeliveryRepository;
import no.knutepunkt.delivery.repository.PauseRepository;
import no.knutepunkt.delivery.service.EpjDelivery.Attempt;
import no.knutepunkt.model.event.DeadLetterHandled;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.DeliveryPaused;
import no.knutepunkt.model.event.DeliveryResumed;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.event.MessageRedriven;
import no.knutepunkt.model.event.MessageRouted;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delivery queue: routed messages in, the outcome of each attempt out. Every change of a message's place in the
 * queue is an event first; the row follows, so the queue can be told from the log.
 */
@ApplicationScoped
public class DeliveryQueue {

    private static final Logger LOG = Logger.getLogger(DeliveryQueue.class);

    private final DeliveryRepository deliveries;
    private final PauseRepository pauses;
    private final DeliveryPublisher publisher;
    private final DeliveryConfig config;

    public DeliveryQueue(DeliveryRepository deliveries, PauseRepository pauses, DeliveryPublisher publisher,
            DeliveryConfig config) {
        this.deliveries = deliveries;
        this.pauses = pauses;
        this.publisher = publisher;
        this.config = config;
    }

    /** Queues a routed message (once: a redelivered routed event changes nothing). */
    public Uni<Void> enqueue(String routedEventId, String patientKey, long offset, MessageRouted routed,
            String traceparent) {
        return Panache.withTransaction(() -> deliveries.findById(routed.messageId()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            Delivery d = new Delivery();
            d.messageId = routed.messageId();
            d.orgnr = routed.orgnr();
            d.patientKey = patientKey;
            d.kind = routed.kind().name();
            d.sender = routed.sender() == null ? null : routed.sender().vkpId();
            d.priority = routed.effectivePriority();
            d.journalType = routed.journalType();
            d.epjProduct = routed.destination().epjProduct();
            d.mode = routed.destination().mode() == null ? "push" : routed.destination().mode();
            d.endpoint = routed.destination().endpoint();
            d.credentialsRef = routed.destination().credentialsRef();
            d.payload = routed.payload();
            d.routedEventId = routedEventId;
            d.routedOffset = offset;
            d.routedAt = routed.routedAt();
            d.traceparent = traceparent;
            d.state = "pull".equals(d.mode) ? Delivery.AWAITING_PULL : Delivery.WAITING;
            d.nextAttemptAt = now();
            d.updatedAt = now();
            return deliveries.persist(d).replaceWithVoid();
        }));
    }

    /**
     * Records one attempt: delivered; or failed, to be tried again after a backoff; or a dead letter when the EPJ
     * refused it, the bound on attempts or age is reached, or the EPJ answered it with the same error
     * {@code max-same-failures} times in a row. A probe of an EPJ whose circuit is open that got no answer (or one that
     * says the EPJ is unavailable) does not count toward the bounds: it says the EPJ is down, not that the message is
     * bad, and an outage of any length must not turn waiting messages into dead letters. A probe the EPJ answered with
     * another error counts: the EPJ is up and fails this message, which would otherwise be probed for ever while its
     * patient's later messages wait behind it. Nor does a probe grow the message's backoff: a failed probe is tried
     * again when the circuit next lets one through ({@code probeAgainAt}), so the EPJ is found back within the
     * circuit's longest open period however long it was down.
     */
    public Uni<Void> record(Delivery d, Attempt attempt, Instant probeAgainAt) {
        boolean probe = probeAgainAt != null;
        Instant now = now();
        int attempts = d.attempts + 1;
        boolean answered = !attempt.delivered() && attempt.answered();
        int strikes = d.strikes + (attempt.delivered() || probe && !answered ? 0 : 1);
        int sameFailures = attempt.delivered() ? 0
                : !answered ? d.sameFailures
                : attempt.error().equals(d.lastError) ? d.sameFailures + 1 : 1;
        Instant first = d.firstAttemptAt == null ? now : d.firstAttemptAt;
        EventData outcome;
        if (attempt.delivered()) {
            outcome = new MessageDelivered(d.messageId, d.orgnr, d.endpoint, attempts, attempt.status(), now);
        } else if (attempt.refused() || sameFailures >= config.maxSameFailures() || !probe
                && (strikes >= config.maxAttempts() || !now.isBefore(first.plus(config.maxAge())))) {
            outcome = new DeliveryFailed(d.messageId, d.orgnr, d.endpoint, attempts, attempt.error(), now);
        } else {
            outcome = new DeliveryAttemptFailed(d.messageId, d.orgnr, d.endpoint, attempts, attempt.error(),
                    probe ? probeAgainAt : now.plus(backoff(attempts)), now);
        }
        return publisher.outcome(d, outcome).chain(() -> Panache.withTransaction(() -> deliveries.findById(d.messageId)
                .chain(row -> {
                    if (row == null || !Delivery.WAITING.equals(row.state)) {
                        return Uni.createFrom().voidItem(); // deleted meanwhile
                    }
                    row.attempts = attempts;
                    row.strikes = strikes;
                    row.sameFailures = sameFailures;
                    row.firstAttemptAt = first;
                    row.lastError = attempt.error();
                    row.updatedAt = now;
                    if (outcome instanceof MessageDelivered) {
                        row.state = Delivery.DELIVERED;
                        row.deliveredAt = now;
                    } else if (outcome instanceof DeliveryFailed) {
                        row.state = Delivery.DEAD;
                        row.deadAt = now;
                    } else {
                        row.nextAttemptAt = ((DeliveryAttemptFailed) outcome).nextAttemptAt();
                    }
                    return Uni.createFrom().voidItem();
                })));
    }

    /** The EPJ says the message is in the record. */
    public Uni<Delivery> journaled(String orgnr, String messageId, String acknowledgedBy) {
        return Panache.withSession(() -> deliveries.findById(messageId)).chain(d -> {
            if (d == null || !d.orgnr.equals(orgnr) || Delivery.DELETED.equals(d.state)) {
                return Uni.createFrom().nullItem();
            }
            if (d.journaledAt != null) {
                return Uni.createFrom().item(d); // acknowledged before: the same answer, no second event
            }
            Instant now = now();
            return publisher.outcome(d, new MessageJournaled(messageId, orgnr, acknowledgedBy, now))
                    .chain(() -> Panache.withTransaction(() -> deliveries.findById(messageId).invoke(row -> {
                        row.journaledAt = now;
                        row.acknowledgedBy = acknowledgedBy;
                        row.updatedAt = now;
                    })));
        });
    }

    /** Applies a pause, resume, dead-letter action or re-driven message from the control topic. */
    public Uni<Void> apply(EventData action) {
        if (action instanceof DeliveryPaused e) {
            return Panache.withTransaction(() -> pauses.findById(e.pauseId()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().voidItem();
                }
                DeliveryPause p = new DeliveryPause();
                p.pauseId = e.pauseId();
                p.orgnr = e.orgnr();
                p.fromAt = e.from();
                p.untilAt = e.until();
                p.reason = e.reason();
                p.pausedBy = e.pausedBy();
                p.pausedAt = e.pausedAt();
                return pauses.persist(p).replaceWithVoid();
            }));
        }
        if (action instanceof DeliveryResumed e) {
            return Panache.withTransaction(() -> pauses.endAt(e.orgnr(), e.resumedAt())).replaceWithVoid();
        }
        if (action instanceof DeadLetterHandled e) {
            return Panache.withTransaction(() -> deliveries.findById(e.messageId()).invoke(row -> {
                if (row == null) {
                    return;
                }
                String from = row.state;
                switch (e.action()) {
                    case "resent" -> {
                        if (Delivery.DEAD.equals(from)) {
                            row.state = Delivery.WAITING;
                            row.strikes = 0;
                            row.sameFailures = 0;
                            row.firstAttemptAt = null;
                            row.nextAttemptAt = e.handledAt();
                        }
                    }
                    case "deleted" -> {
                        if (Delivery.DEAD.equals(from)) {
                            row.state = Delivery.DELETED;
                        }
                    }
                    case "restored" -> {
                        if (Delivery.DELETED.equals(from)) {
                            row.state = Delivery.DEAD;
                        }
                    }
                    default -> {
                    }
                }
                row.updatedAt = e.handledAt();
            })).replaceWithVoid();
        }
        if (action instanceof MessageRedriven e) {
            return Panache.withTransaction(() -> deliveries.findById(e.messageId()).invoke(row -> {
                if (row == null || row.journaledAt != null || e.redriveId().equals(row.redriveId)) {
                    return; // journaled meanwhile, or this re-drive applied already
                }
                row.redriveId = e.redriveId();
                row.updatedAt = e.redrivenAt(); // a pulling EPJ sees it again after its cursor
                if (Delivery.DELIVERED.equals(row.state) || Delivery.DEAD.equals(row.state)) {
                    row.state = Delivery.WAITING;
                    row.strikes = 0;
                    row.sameFailures = 0;
                    row.firstAttemptAt = null;
                    row.nextAttemptAt = e.redrivenAt();
                }
            })).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    /** An EPJ is back: its waiting messages in backoff are due now (they failed because it was down). */
    public Uni<Void> retryNow(String endpoint) {
        Instant now = now();
        return Panache.withTransaction(() -> deliveries.update("nextAttemptAt = ?1 where endpoint = ?2"
                + " and state = ?3 and nextAttemptAt > ?1", now, endpoint, Delivery.WAITING))
                .invoke(n -> LOG.infof("an EPJ is back: %d waiting messages are due again", n)).replaceWithVoid();
    }

    private Duration backoff(int attempts) {
        Duration d = config.firstBackoff();
        for (int i = 1; i < attempts && d.compareTo(config.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        d = CircuitBreakers.min(d, config.maxBackoff());
        long ms = d.toMillis();
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
