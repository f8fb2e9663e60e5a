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
import no.knutepunkt.model.rest.OutcomeMappers;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.ingest.service.IngestService;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.Orgnr;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

import java.net.URI;
import java.util.Set;

/**
 * VKP's R4 write surface, unchanged for existing integrations: {@code POST /epj/r4/{orgnr}/bundle}. Any 2xx means
 * accepted; ours is 202 with the message id in {@code X-Message-Id}, a {@code Location} to follow it, and an
 * informational OperationOutcome.
 */
@Path("/epj/r4/{orgnr}")
@Authenticated
public class VkpResource {

    static final String FHIR_JSON = OutcomeMappers.FHIR_JSON;
    /** Real VKP clients send JSON as text/plain (.NET's StringContent default). */
    private static final Set<String> JSON_TYPES = Set.of(FHIR_JSON, MediaType.APPLICATION_JSON,
            MediaType.TEXT_PLAIN);

    private final IngestService ingest;
    private final JsonWebToken token;

    public VkpResource(IngestService ingest, JsonWebToken token) {
        this.ingest = ingest;
        this.token = token;
    }

    @POST
    @Path("/bundle")
    @Consumes(MediaType.WILDCARD)
    @Produces(FHIR_JSON)
    public Uni<Response> bundle(@PathParam("orgnr") String orgnr, @HeaderParam("Content-Type") String contentType,
            String body) {
        var sender = Caller.of(token).vendorAllowedTo("bundle", "write");
        if (!Orgnr.isWellFormed(orgnr)) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.VALUE, VkpCode.INVALID_ORG,
                    "orgnr-format", null, "the municipality in the URL must be a 9-digit organisation number"));
        }
        if (contentType != null && !JSON_TYPES.contains(contentType.split(";")[0].trim().toLowerCase())) {
            throw new Rejection(415, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "media-type",
                    "send FHIR JSON (application/fhir+json, application/json or text/plain)"));
        }
        return ingest.receive(orgnr, sender, "vkp-r4", body).map(VkpResource::accepted);
    }

    static Response accepted(String messageId) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDiagnostics("accepted as message " + messageId)
                .addExtension(Outcomes.MESSAGE_ID_EXTENSION, new StringType(messageId));
        return Response.accepted(Outcomes.toJson(outcome))
                .type(FHIR_JSON)
                .header("X-Message-Id", messageId)
                .location(URI.create(StatusResource.location("Bundle", messageId)))
                .build();
    }
}
