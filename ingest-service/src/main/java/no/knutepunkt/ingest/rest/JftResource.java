package no.knutepunkt.ingest.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.model.fhir.Fhir;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Set;

/**
 * JFT's write surface: {@code POST /v1/{Bundle|Composition|MedicationDispense}} → 202 with a Location to follow.
 * The receiving municipality is the token's {@code orgnr_parent} (a HelseID client acting for one municipality);
 * the scope is JFT's {@code nhn:jft/api} or the VKP write scope of the resource.
 */
@Path("/v1/{type}")
@Authenticated
public class JftResource {

    static final Set<String> WRITABLE = Set.of("Bundle", "Composition", "MedicationDispense");

    private final String metadata = Fhir.jsonParser().encodeResourceToString(MetadataResource.capabilities(
            "JFT-style write surface of Knutepunkt", WRITABLE,
            "scope nhn:jft/api or nhn:vkp/api/user/{resource}.write; the municipality in claim orgnr_parent"));
    private final Writes writes;
    private final Callers callers;

    public JftResource(Writes writes, Callers callers) {
        this.writes = writes;
        this.callers = callers;
    }

    /** {@code GET /v1/metadata}: the CapabilityStatement of this surface, readable without a token. */
    @GET
    @PermitAll
    @Produces({VkpResource.FHIR_JSON, MediaType.APPLICATION_JSON})
    public String metadata(@PathParam("type") String type) {
        if (!"metadata".equals(type)) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        return metadata;
    }

    @Operation(summary = "JFT: write a Bundle, Composition or MedicationDispense for the token's municipality")
    @APIResponse(responseCode = "202", description = "accepted; X-Message-Id and Location name the message")
    @APIResponse(responseCode = "400", description = "invalid: OperationOutcome with VKP code 2.x, rule id and FHIRPath")
    @APIResponse(responseCode = "401", description = "no valid HelseID token (VKP code 1.5)")
    @APIResponse(responseCode = "403", description = "scope, client_amr or the municipality's consent refuses (VKP 1.x)")
    @APIResponse(responseCode = "413", description = "body over the size limit")
    @APIResponse(responseCode = "415", description = "not JSON")
    @APIResponse(responseCode = "422", description = "idempotency key reused with another body")
    @APIResponse(responseCode = "429", description = "over the client's rate; see Retry-After")
    @APIResponse(responseCode = "503", description = "too many writes in flight: not accepted; see Retry-After")
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({VkpResource.FHIR_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> write(@PathParam("type") String type, @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Prefer") String prefer, @HeaderParam("Idempotency-Key") String idempotencyKey,
            byte[] body) {
        if (!WRITABLE.contains(type)) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "jft-endpoint",
                    "no write endpoint /v1/" + type + "; writable are " + WRITABLE));
        }
        ApiCaller caller = callers.current();
        var sender = caller.mustBeVendor(type.toLowerCase(), "write", true);
        if (caller.orgnr() == null) {
            throw new Rejection(400, Outcomes.error(IssueType.REQUIRED, VkpCode.INVALID_ORG, "jft-receiver",
                    "the token must name the municipality in claim helseid://claims/client/claims/orgnr_parent"));
        }
        return writes.write(caller.orgnr(), sender, "jft/" + type.toLowerCase(), type, contentType, prefer,
                idempotencyKey, body);
    }
}
