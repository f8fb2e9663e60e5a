package no.knutepunkt.ingest.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.BundleInspector;
import no.knutepunkt.ingest.fhir.BundleInspector.Inspection;
import no.knutepunkt.ingest.messaging.ReceivedPublisher;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.identity.PatientPseudonym;

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

    static final String SOURCE = "knutepunkt/ingest-service";

    private final BundleInspector inspector;
    private final ReceivedPublisher publisher;
    private final StatusProjection projection;
    private final PatientPseudonym pseudonym;

    public IngestService(BundleInspector inspector, ReceivedPublisher publisher, StatusProjection projection,
            IngestConfig config) {
        this.inspector = inspector;
        this.publisher = publisher;
        this.projection = projection;
        this.pseudonym = new PatientPseudonym(config.pseudonymSecret());
    }

    /** Returns the message id once the received event is durably in Kafka. */
    public Uni<String> receive(String orgnr, Sender sender, String channel, String body) {
        Inspection inspection = inspector.inspect(body);
        String messageId = UUID.randomUUID().toString();
        String patientKey = pseudonym.of(inspection.patient().getSystem(), inspection.patient().getValue());
        MessageReceived received = new MessageReceived(messageId, orgnr, sender, channel, inspection.kind(),
                inspection.resourceTypes(), inspection.businessId(), patientKey, sha256(body), body,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        EventEnvelope envelope = EventEnvelope.create(SOURCE, patientKey, messageId, null, received);
        // the status is readable as soon as the vendor has its answer; the listener applies the same event again
        return publisher.publish(envelope)
                .chain(() -> projection.apply(envelope))
                .replaceWith(messageId);
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
