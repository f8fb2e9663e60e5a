package no.knutepunkt.ingest.rest;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.service.IngestService;
import no.knutepunkt.ingest.service.IngestService.Receipt;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.Orgnr;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

import java.net.URI;
import java.util.Set;

/** What every write surface does once it knows the caller: limit, check, receive, answer. */
@ApplicationScoped
public class Writes {

    static final String FHIR_JSON = VkpResource.FHIR_JSON;
    /** Real VKP clients send JSON as text/plain (.NET's StringContent default). */
    private static final Set<String> JSON_TYPES = Set.of(FHIR_JSON, MediaType.APPLICATION_JSON,
            MediaType.TEXT_PLAIN);

    private final IngestService ingest;
    private final RateLimiter rateLimiter;
    private final Admission admission;
    private final long maxBodyBytes;

    public Writes(IngestService ingest, RateLimiter rateLimiter, Admission admission, IngestConfig config) {
        this.ingest = ingest;
        this.rateLimiter = rateLimiter;
        this.admission = admission;
        this.maxBodyBytes = config.limits().maxBodyBytes();
    }

    static void requireWellFormed(String orgnr) {
        if (!Orgnr.isWellFormed(orgnr)) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.VALUE, VkpCode.INVALID_ORG,
                    "orgnr-format", null, "the municipality must be a 9-digit organisation number"));
        }
    }

    /** The common path of every write surface, once the caller is known. */
    public Uni<Response> write(String orgnr, Sender sender, String channel, String type, String contentType, String prefer,
            String idempotencyKey, byte[] body) {
        rateLimiter.admit(sender.clientId());
        requireWellFormed(orgnr);
        requireJson(contentType);
        if (body.length > maxBodyBytes) {
            // a body sent without a length (chunked) is measured here, as it was read
            throw new Rejection(413, RequestLimits.tooLarge(maxBodyBytes));
        }
        boolean wait = prefer == null || !prefer.toLowerCase().contains("respond-async");
        return admission.admit(() -> ingest.receive(orgnr, sender, channel, type, () -> BodyText.decode(contentType,
                body), wait, idempotencyKey))
                .map(receipt -> answer(type, receipt));
    }

    static void requireJson(String contentType) {
        if (contentType != null && !JSON_TYPES.contains(contentType.split(";")[0].trim().toLowerCase())) {
            throw new Rejection(415, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "media-type",
                    "send FHIR JSON (application/fhir+json, application/json or text/plain)"));
        }
    }

    /** 403 with consent's own code when it denied within the wait; otherwise 202. */
    static Response answer(String type, Receipt receipt) {
        String messageId = receipt.messageId();
        URI location = URI.create(StatusResource.location(type, messageId));
        if (receipt.decision() instanceof MessageDenied denied) {
            OperationOutcome outcome = Outcomes.error(IssueType.FORBIDDEN, VkpCode.ofCode(denied.vkpCode()),
                    denied.ruleForSender(), denied.reason());
            outcome.getIssueFirstRep().addExtension(Outcomes.MESSAGE_ID_EXTENSION, new StringType(messageId));
            return Response.status(403).type(FHIR_JSON).entity(Outcomes.toJson(outcome))
                    .header("X-Message-Id", messageId).location(location).build();
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDiagnostics("accepted as message " + messageId)
                .addExtension(Outcomes.MESSAGE_ID_EXTENSION, new StringType(messageId));
        if (receipt.warnings() != null) {
            outcome.getIssue().addAll(receipt.warnings().getIssue());
        }
        return Response.accepted(Outcomes.toJson(outcome)).type(FHIR_JSON)
                .header("X-Message-Id", messageId).location(location).build();
    }
}
