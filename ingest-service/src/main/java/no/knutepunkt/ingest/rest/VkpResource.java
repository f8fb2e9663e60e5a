package no.knutepunkt.ingest.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.ingest.service.IngestService;
import no.knutepunkt.ingest.service.IngestService.Receipt;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.Orgnr;
import no.knutepunkt.model.rest.OutcomeMappers;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * VKP's R4 write surface, unchanged for existing integrations: {@code POST /epj/r4/{orgnr}/bundle} and the
 * single-resource paths. Any 2xx means accepted; ours is 202 with the message id in {@code X-Message-Id}, a
 * {@code Location} to follow it, and an informational OperationOutcome. A sender the municipality has not granted
 * hears 403 in the same request, unless it asked {@code Prefer: respond-async}.
 */
@Path("/epj/r4/{orgnr}")
@Authenticated
public class VkpResource {

    static final String FHIR_JSON = OutcomeMappers.FHIR_JSON;
    /** Real VKP clients send JSON as text/plain (.NET's StringContent default). */
    private static final Set<String> JSON_TYPES = Set.of(FHIR_JSON, MediaType.APPLICATION_JSON,
            MediaType.TEXT_PLAIN);
    /** VKP's lowercase path segment → the FHIR type written there. */
    static final Map<String, String> WRITABLE = Map.of("bundle", "Bundle", "medicationdispense",
            "MedicationDispense", "composition", "Composition", "detectedissue", "DetectedIssue", "encounter",
            "Encounter");

    private final IngestService ingest;
    private final RateLimiter rateLimiter;
    private final JsonWebToken token;

    public VkpResource(IngestService ingest, RateLimiter rateLimiter, JsonWebToken token) {
        this.ingest = ingest;
        this.rateLimiter = rateLimiter;
        this.token = token;
    }

    @POST
    @Path("/{resource}")
    @Consumes(MediaType.WILDCARD)
    @Produces(FHIR_JSON)
    public Uni<Response> write(@PathParam("orgnr") String orgnr, @PathParam("resource") String resource,
            @HeaderParam("Content-Type") String contentType, @HeaderParam("Prefer") String prefer,
            @HeaderParam("Idempotency-Key") String idempotencyKey, String body) {
        String type = WRITABLE.get(resource);
        if (type == null) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "vkp-endpoint",
                    "no write endpoint " + resource + "; writable are " + WRITABLE.keySet()));
        }
        var sender = Caller.of(token).vendorAllowedTo(resource, "write");
        rateLimiter.admit(sender.clientId());
        if (!Orgnr.isWellFormed(orgnr)) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.VALUE, VkpCode.INVALID_ORG,
                    "orgnr-format", null, "the municipality in the URL must be a 9-digit organisation number"));
        }
        requireJson(contentType);
        boolean wait = prefer == null || !prefer.toLowerCase().contains("respond-async");
        return ingest.receive(orgnr, sender, "vkp-r4/" + resource, type, body, wait, idempotencyKey)
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
                    denied.rule(), denied.reason());
            outcome.getIssueFirstRep().addExtension(Outcomes.MESSAGE_ID_EXTENSION, new StringType(messageId));
            return Response.status(403).type(FHIR_JSON).entity(Outcomes.toJson(outcome))
                    .header("X-Message-Id", messageId).location(location).build();
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDiagnostics("accepted as message " + messageId)
                .addExtension(Outcomes.MESSAGE_ID_EXTENSION, new StringType(messageId));
        return Response.accepted(Outcomes.toJson(outcome)).type(FHIR_JSON)
                .header("X-Message-Id", messageId).location(location).build();
    }
}
