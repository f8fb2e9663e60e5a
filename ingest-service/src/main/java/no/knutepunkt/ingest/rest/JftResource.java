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
import org.eclipse.microprofile.jwt.JsonWebToken;
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
    private final JsonWebToken token;

    public JftResource(Writes writes, JsonWebToken token) {
        this.writes = writes;
        this.token = token;
    }

    /** {@code GET /v1/metadata}: the CapabilityStatement of this surface, readable without a token. */
    @GET
    @PermitAll
    @Produces(VkpResource.FHIR_JSON)
    public String metadata(@PathParam("type") String type) {
        if (!"metadata".equals(type)) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        return metadata;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(VkpResource.FHIR_JSON)
    public Uni<Response> write(@PathParam("type") String type, @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Prefer") String prefer, @HeaderParam("Idempotency-Key") String idempotencyKey,
            String body) {
        if (!WRITABLE.contains(type)) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "jft-endpoint",
                    "no write endpoint /v1/" + type + "; writable are " + WRITABLE));
        }
        Caller caller = Caller.of(token);
        var sender = caller.vendorAllowedTo(type.toLowerCase(), "write", true);
        if (caller.orgnrParent() == null) {
            throw new Rejection(400, Outcomes.error(IssueType.REQUIRED, VkpCode.INVALID_ORG, "jft-receiver",
                    "the token must name the municipality in claim helseid://claims/client/claims/orgnr_parent"));
        }
        return writes.write(caller.orgnrParent(), sender, "jft/" + type.toLowerCase(), type, contentType, prefer,
                idempotencyKey, body);
    }
}
