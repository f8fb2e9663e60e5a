package no.knutepunkt.delivery.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.DeliveryPause;
import no.knutepunkt.delivery.messaging.DeliveryPublisher;
import no.knutepunkt.delivery.repository.DeliveryRepository;
import no.knutepunkt.delivery.repository.PauseRepository;
import no.knutepunkt.model.event.DeadLetterHandled;
import no.knutepunkt.model.event.DeliveryPaused;
import no.knutepunkt.model.event.DeliveryResumed;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Operators' and municipalities' actions on delivery: pause and resume an EPJ, and resend, delete or restore dead
 * letters. Each is an event on the control topic first; the answer comes when the queue has taken it in.
 */
@ApplicationScoped
public class DeliveryControl {

    /** Which dead-letter action may be taken from which state. */
    private static final Map<String, String> ACTIONS = Map.of("resend", Delivery.DEAD, "delete", Delivery.DEAD,
            "restore", Delivery.DELETED);
    private static final Duration APPLY_WAIT = Duration.ofSeconds(5);

    private final DeliveryRepository deliveries;
    private final PauseRepository pauses;
    private final DeliveryPublisher publisher;

    public DeliveryControl(DeliveryRepository deliveries, PauseRepository pauses, DeliveryPublisher publisher) {
        this.deliveries = deliveries;
        this.pauses = pauses;
        this.publisher = publisher;
    }

    /** Pauses delivery to the municipality's EPJ from {@code from} (now when null) until {@code until} (open). */
    public Uni<DeliveryPaused> pause(String orgnr, Instant from, Instant until, String reason, String by) {
        if (reason == null || reason.isBlank()) {
            throw invalid("pause-reason", "a pause needs a reason");
        }
        Instant now = DeliveryQueue.now();
        Instant start = from == null ? now : from;
        if (until != null && !until.isAfter(start)) {
            throw invalid("pause-window", "until must be after from");
        }
        String pauseId = UUID.randomUUID().toString();
        DeliveryPaused paused = new DeliveryPaused(pauseId, orgnr, start, until, reason, by, now);
        return publisher.control(orgnr, pauseId, paused)
                .chain(() -> applied(() -> pauses.findById(pauseId).map(p -> p != null)))
                .replaceWith(paused);
    }

    public Uni<DeliveryResumed> resume(String orgnr, String by) {
        Instant now = DeliveryQueue.now();
        DeliveryResumed resumed = new DeliveryResumed(orgnr, by, now);
        return publisher.control(orgnr, UUID.randomUUID().toString(), resumed)
                .chain(() -> applied(() -> pauses.current(orgnr, now)
                        .map(current -> current.stream().noneMatch(p -> p.inForceAt(now)))))
                .replaceWith(resumed);
    }

    public Uni<List<DeliveryPause>> pauses(String orgnr) {
        return Panache.withSession(() -> pauses.current(orgnr, Instant.now()));
    }

    /** resend, delete or restore one dead letter of the municipality. */
    public Uni<DeadLetterHandled> handle(String orgnr, String messageId, String action, String reason, String by) {
        String from = ACTIONS.get(action);
        if (from == null) {
            throw invalid("dead-letter-action", "the action is resend, delete or restore");
        }
        if ("delete".equals(action) && (reason == null || reason.isBlank())) {
            throw invalid("dead-letter-reason", "deleting a dead letter needs a reason");
        }
        return Panache.withSession(() -> deliveries.findById(messageId)).chain(d -> {
            if (d == null || !d.orgnr.equals(orgnr)) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "dead-letter-unknown",
                        "no message " + messageId + " for municipality " + orgnr));
            }
            if (!from.equals(d.state)) {
                throw new Rejection(409, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "dead-letter-state",
                        "message " + messageId + " is " + d.state + "; " + action + " needs it " + from));
            }
            String done = switch (action) {
                case "resend" -> "resent";
                case "delete" -> "deleted";
                default -> "restored";
            };
            DeadLetterHandled handled = new DeadLetterHandled(messageId, orgnr, done, reason, by, DeliveryQueue.now());
            return publisher.control(orgnr, messageId, handled)
                    .chain(() -> applied(() -> deliveries.findById(messageId).map(row -> !from.equals(row.state))))
                    .replaceWith(handled);
        });
    }

    public Uni<List<Delivery>> deadLetters(String orgnr, boolean deleted) {
        return Panache.withSession(() -> deliveries.inState(orgnr, deleted ? Delivery.DELETED : Delivery.DEAD, 1000));
    }

    /** Waits (bounded) until the queue has taken the action in; it is on the log either way. */
    static Uni<Void> applied(Supplier<Uni<Boolean>> check) {
        return Panache.withSession(check)
                .invoke(done -> {
                    if (!done) {
                        throw new IllegalStateException("not applied yet");
                    }
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                .expireIn(APPLY_WAIT.toMillis())
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Rejection invalid(String rule, String text) {
        return new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, rule, text));
    }
}
