package no.knutepunkt.ingest.service;

import no.knutepunkt.model.kafka.LogFields;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import no.knutepunkt.ingest.IdempotencyClaim;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.BundleInspector;
import no.knutepunkt.ingest.fhir.CanonicalJson;
import no.knutepunkt.ingest.fhir.BundleInspector.Inspection;
import no.knutepunkt.ingest.messaging.DecisionWatch;
import no.knutepunkt.ingest.messaging.ReceivedPublisher;
import no.knutepunkt.ingest.repository.IdempotencyRepository;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.metrics.FlowMetrics;

import org.apache.kafka.common.errors.RecordTooLargeException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/** Accepts a vendor's message: inspect, pseudonymise, write the received event, and only then answer. */
@ApplicationScoped
public class IngestService {

    /** The CloudEvents source of every event ingest-service writes. */
    public static final String SOURCE = "knutepunkt/ingest-service";

    private final BundleInspector inspector;
    private final ReceivedPublisher publisher;
    private final StatusProjection projection;
    private final PatientPseudonym pseudonym;
    private final DecisionWatch decisions;
    private final IdempotencyRepository idempotency;
    private final MessageStatusRepository statuses;
    private final IngestConfig config;
    private final PayloadVault vault;
    private final FlowMetrics metrics;

    public IngestService(BundleInspector inspector, ReceivedPublisher publisher, StatusProjection projection,
            DecisionWatch decisions, IdempotencyRepository idempotency, MessageStatusRepository statuses,
            IngestConfig config, PayloadVault vault, FlowMetrics metrics) {
        this.vault = vault;
        this.metrics = metrics;
        this.idempotency = idempotency;
        this.statuses = statuses;
        this.inspector = inspector;
        this.publisher = publisher;
        this.projection = projection;
        this.decisions = decisions;
        this.config = config;
        this.pseudonym = new PatientPseudonym(config.pseudonymSecret());
    }

    /**
     * What the sender is told: the message id, and consent's decision when it came within the wait (null when the
     * caller asked not to wait, or the decision is still pending).
     */
    public record Receipt(String messageId, EventData decision, OperationOutcome warnings) {
    }

    /**
     * Answers once the received event is durably in Kafka, and consent has decided or the wait is over. A retry
     * (same Idempotency-Key, or same Bundle.identifier, from the same sender to the same municipality) gets the first
     * message's answer, waiting for it while the first is still being written; the same key with another body is
     * refused with 422. Decoding, parsing and checking the body are CPU work and run on a worker thread, never on
     * the event loop that serves every other request.
     */
    public Uni<Receipt> receive(String orgnr, Sender sender, String channel, String expectedType,
            Supplier<String> body, boolean waitForDecision, String idempotencyKey) {
        return offTheEventLoop(() -> {
            String text = body.get();
            Inspection inspection = inspector.inspect(text, expectedType);
            // a copy re-serialized (other whitespace or key order, as HAPI or curl --data write it) hashes the same
            return new Read(text, sha256(CanonicalJson.of(text)), inspection);
        }).chain(read -> receive(orgnr, sender, channel, read, waitForDecision, idempotencyKey));
    }

    /** A body as read off the event loop: its text, the hash of its content, what it holds. */
    private record Read(String body, String bodyHash, Inspection inspection) {
    }

    private Uni<Receipt> receive(String orgnr, Sender sender, String channel, Read read, boolean waitForDecision,
            String idempotencyKey) {
        String body = read.body();
        String bodyHash = read.bodyHash();
        Inspection inspection = read.inspection();
        String messageId = UUID.randomUUID().toString();
        // keyed: an Idempotency-Key or Bundle.identifier may be a national id, which an unkeyed hash would give away
        String keyHash = idempotencyKey != null && !idempotencyKey.isBlank()
                ? pseudonym.of("idempotency|" + sender.vkpId() + "|" + orgnr + "|key", idempotencyKey)
                : inspection.businessId() != null ? pseudonym.of("idempotency|" + sender.vkpId() + "|" + orgnr
                        + "|bundle", inspection.businessId()) : null;
        if (keyHash == null) {
            return accept(orgnr, sender, channel, body, bodyHash, inspection, messageId, null, waitForDecision);
        }
        return idempotency.claim(keyHash, messageId, bodyHash, CLAIM_LEASE).chain(claim -> {
            if (claim.messageId.equals(messageId)) {
                return accept(orgnr, sender, channel, body, bodyHash, inspection, messageId, keyHash, waitForDecision)
                        .onFailure().call(e -> idempotency.release(keyHash, messageId, statusOf(e),
                                Outcomes.toJson(outcomeOf(e))));
            }
            if (!claim.bodySha256.equals(bodyHash)) {
                throw new Rejection(422, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "idempotency-key-reuse",
                        "this idempotency key (or Bundle.identifier) was used for message " + claim.messageId
                                + " with a different body"));
            }
            return outcomeOfFirst(keyHash, inspection, Instant.now().plus(CLAIM_LEASE), () -> receive(orgnr, sender,
                    channel, read, waitForDecision, idempotencyKey));
        });
    }

    /** How long a claim may stay pending before a retry takes it over (its writer died): well past a log write. */
    static final Duration CLAIM_LEASE = Duration.ofSeconds(30);
    private static final Duration CLAIM_POLL = Duration.ofMillis(50);

    /**
     * A duplicate answers what its first copy came to: accepted only once that is on the log (with the warnings the
     * same content gets), or the very refusal its sender heard. It waits while the first is being written, and never
     * answers for a claim that was released. Only an acceptance is an answer to keep: a message consent denied is
     * decided afresh when it comes again ({@code claimAgain}), since the grant may have been given meanwhile.
     */
    private Uni<Receipt> outcomeOfFirst(String keyHash, Inspection inspection, Instant until,
            Supplier<Uni<Receipt>> claimAgain) {
        return idempotency.find(keyHash).chain(claim -> {
            if (claim == null || IdempotencyClaim.PENDING.equals(claim.state)) {
                if (Instant.now().isAfter(until)) {
                    throw Rejection.retryLater(503, 2, Outcomes.error(IssueType.TRANSIENT, VkpCode.OTHER,
                            "idempotency-pending", "the first copy of this message is still being stored; send it "
                                    + "again shortly"));
                }
                return after(CLAIM_POLL).chain(() -> outcomeOfFirst(keyHash, inspection, until, claimAgain));
            }
            if (IdempotencyClaim.RELEASED.equals(claim.state)) {
                if (claim.refusalStatus == null) {
                    return claimAgain.get(); // released by a denial: no answer to repeat
                }
                throw new Rejection(claim.refusalStatus, Outcomes.fromJson(claim.refusal));
            }
            return Panache.withSession(() -> statuses.findById(claim.messageId)).chain(status -> {
                if (status != null && status.deniedAt != null) {
                    return idempotency.releaseDenied(keyHash, claim.messageId).chain(() -> claimAgain.get());
                }
                return Uni.createFrom().item(new Receipt(claim.messageId, null, inspection.warnings()));
            });
        });
    }

    private static int statusOf(Throwable e) {
        return e instanceof Rejection r ? r.status() : 500;
    }

    private static OperationOutcome outcomeOf(Throwable e) {
        return e instanceof Rejection r ? r.outcome() : Outcomes.error(IssueType.EXCEPTION, VkpCode.OTHER,
                "internal", "the message could not be stored and was not accepted; send it again");
    }

    /** Completes after {@code delay}, on the request's own Vert.x context (where its database sessions must run). */
    private static Uni<Void> after(Duration delay) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(delay);
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(delay.toMillis(),
                id -> context.runOnContext(v -> emitter.complete(null))));
    }

    /** Runs CPU work on a worker thread and goes on on the request's own Vert.x context (its database session's). */
    static <T> Uni<T> offTheEventLoop(Supplier<T> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(work);
        }
        return Uni.createFrom().emitter(emitter -> context.<T>executeBlocking(work::get, false).onComplete(done -> {
            if (done.succeeded()) {
                emitter.complete(done.result());
            } else {
                emitter.fail(done.cause());
            }
        }));
    }

    private Uni<Receipt> accept(String orgnr, Sender sender, String channel, String body, String bodyHash,
            Inspection inspection, String messageId, String keyHash, boolean waitForDecision) {
        String patientKey = pseudonym.of(inspection.patient().getSystem(), inspection.patient().getValue());
        // the log holds the payload sealed with the patient's key, so that erasing the key erases the payload
        return vault.seal(orgnr, patientKey, messageId, body)
                .onFailure().transform(e -> new Rejection(503, Outcomes.error(IssueType.TRANSIENT, VkpCode.OTHER,
                        "payload-vault", "the message could not be sealed for storage and was not accepted; send it "
                                + "again")))
                .chain(sealed -> publish(orgnr, sender, channel, sealed, bodyHash, inspection, messageId, patientKey,
                        keyHash, waitForDecision));
    }

    private Uni<Receipt> publish(String orgnr, Sender sender, String channel, String sealed, String bodyHash,
            Inspection inspection, String messageId, String patientKey, String keyHash, boolean waitForDecision) {
        MessageReceived received = new MessageReceived(messageId, orgnr, sender, channel, inspection.kind(),
                inspection.resourceTypes(), patientKey, bodyHash, sealed,
                Instant.now().truncatedTo(ChronoUnit.MICROS), keyHash);
        EventEnvelope envelope = EventEnvelope.create(SOURCE, patientKey, messageId, null, received);
        LogFields.follow(messageId);
        if (waitForDecision) {
            decisions.expect(messageId);
        }
        // the status is readable as soon as the vendor has its answer; the listener applies the same event again
        return publisher.publish(envelope)
                .onFailure().transform(e -> {
                    decisions.forget(messageId);
                    if (e instanceof RecordTooLargeException) {
                        // permanent: sending it again cannot help, so it must not read like a timeout
                        return new Rejection(413, Outcomes.error(IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT,
                                "log-record-size", "the message is too large to be stored and was not accepted"));
                    }
                    // not durably stored means not accepted: the vendor must retry, and the answer says so
                    return new Rejection(504, Outcomes.error(IssueType.TIMEOUT, VkpCode.TIMED_OUT, "log-write",
                            "the message could not be stored in time and was not accepted; send it again"));
                })
                .invoke(() -> metrics.count(received, orgnr, received.kind(), sender.vkpId()))
                .chain(() -> projection.apply(envelope))
                // from here on a retry is answered with this message, whose status can then be read at once
                .call(() -> keyHash == null ? Uni.createFrom().voidItem() : idempotency.stored(keyHash, messageId))
                .chain(() -> waitForDecision ? decisions.decision(messageId, config.decisionWait())
                        : Uni.createFrom().<EventEnvelope>nullItem())
                // likewise the decision: a vendor told 403 who reads the status at once must read "denied"
                .call(decision -> decision == null ? Uni.createFrom().voidItem() : projection.apply(decision))
                .map(decision -> new Receipt(messageId, decision == null ? null : decision.payload(),
                        inspection.warnings()));
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
