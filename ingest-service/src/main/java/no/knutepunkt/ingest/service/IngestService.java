package no.knutepunkt.ingest.service;

import no.knutepunkt.model.kafka.LogFields;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.BundleInspector;
import no.knutepunkt.ingest.fhir.BundleInspector.Inspection;
import no.knutepunkt.ingest.messaging.DecisionWatch;
import no.knutepunkt.ingest.messaging.ReceivedPublisher;
import no.knutepunkt.ingest.repository.IdempotencyRepository;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.model.event.MessageDenied;
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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

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
     * message's answer; the same key with another body is refused with 422.
     */
    public Uni<Receipt> receive(String orgnr, Sender sender, String channel, String expectedType, String body,
            boolean waitForDecision, String idempotencyKey) {
        Inspection inspection = inspector.inspect(body, expectedType);
        String messageId = UUID.randomUUID().toString();
        String bodyHash = sha256(body);
        String keyHash = idempotencyKey != null && !idempotencyKey.isBlank()
                ? sha256(sender.vkpId() + "|" + orgnr + "|key|" + idempotencyKey)
                : inspection.businessId() != null ? sha256(sender.vkpId() + "|" + orgnr + "|bundle|"
                        + inspection.businessId()) : null;
        if (keyHash == null) {
            return accept(orgnr, sender, channel, body, bodyHash, inspection, messageId, null, waitForDecision);
        }
        return idempotency.claim(keyHash, messageId, bodyHash).chain(claim -> {
            if (claim.messageId.equals(messageId)) {
                return accept(orgnr, sender, channel, body, bodyHash, inspection, messageId, keyHash, waitForDecision)
                        .onFailure().call(() -> idempotency.release(keyHash, messageId));
            }
            if (!claim.bodySha256.equals(bodyHash)) {
                throw new Rejection(422, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "idempotency-key-reuse",
                        "this idempotency key (or Bundle.identifier) was used for message " + claim.messageId
                                + " with a different body"));
            }
            return replay(claim.messageId);
        });
    }

    /** The first answer again: denied if consent denied it, otherwise accepted. */
    private Uni<Receipt> replay(String messageId) {
        return Panache.withSession(() -> statuses.findById(messageId)).map(status -> new Receipt(messageId,
                status != null && status.deniedAt != null
                        ? new MessageDenied(messageId, status.orgnr, null, status.reasonCode, status.reason,
                                status.rule, null, status.deniedAt, null, null)
                        : null, null));
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
                inspection.resourceTypes(), inspection.businessId(), patientKey, bodyHash, sealed,
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
                    // not durably stored means not accepted: the vendor must retry, and the answer says so
                    return new Rejection(504, Outcomes.error(IssueType.TIMEOUT, VkpCode.TIMED_OUT, "log-write",
                            "the message could not be stored in time and was not accepted; send it again"));
                })
                .invoke(() -> metrics.count(received, orgnr, received.kind(), sender.vkpId()))
                .chain(() -> projection.apply(envelope))
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
