package no.knutepunkt.ingest.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import no.knutepunkt.ingest.fhir.SearchQuery;
import no.knutepunkt.ingest.service.Reads;
import no.knutepunkt.model.fhir.ServiceCodes;
import no.knutepunkt.model.fhir.VkpReads;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.OutcomeMappers;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import no.knutepunkt.model.rest.Callers;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.List;
import java.util.Map;

/**
 * VKP's R4 surface, unchanged for existing integrations: reads ({@code POST /epj/r4/{orgnr}/{resource}/_search},
 * or FHIR's GET) and writes ({@code POST /epj/r4/{orgnr}/bundle} and the single-resource paths). Any 2xx means accepted; ours is 202 with the message id in {@code X-Message-Id}, a
 * {@code Location} to follow it, and an informational OperationOutcome. A sender the municipality has not granted
 * hears 403 in the same request, unless it asked {@code Prefer: respond-async}.
 */
@Path("/epj/r4/{orgnr}")
@Authenticated
public class VkpResource {

    static final String FHIR_JSON = OutcomeMappers.FHIR_JSON;
    /** VKP's lowercase path segment → the FHIR type written there. */
    static final Map<String, String> WRITABLE = Map.of("bundle", "Bundle", "medicationdispense",
            "MedicationDispense", "composition", "Composition", "detectedissue", "DetectedIssue", "encounter",
            "Encounter");

    private final Writes writes;
    private final Reads reads;
    private final Callers callers;
    private final RateLimiter rateLimiter;

    public VkpResource(Writes writes, Reads reads, Callers callers, RateLimiter rateLimiter) {
        this.writes = writes;
        this.reads = reads;
        this.callers = callers;
        this.rateLimiter = rateLimiter;
    }

    @Operation(summary = "VKP R4: write a Bundle or one resource for municipality {orgnr}")
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
    @Path("/{resource}")
    @Consumes(MediaType.WILDCARD)
    @Produces({FHIR_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> write(@PathParam("orgnr") String orgnr, @PathParam("resource") String resource,
            @HeaderParam("Content-Type") String contentType, @HeaderParam("Prefer") String prefer,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        // VKP's lower case, or the FHIR type name that a FHIR client (HAPI's create()) posts to
        String type = WRITABLE.containsValue(resource) ? resource : WRITABLE.get(resource);
        if (type == null) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "vkp-endpoint",
                    "no write endpoint " + resource + "; writable are " + WRITABLE.keySet()));
        }
        String path = type.toLowerCase(java.util.Locale.ROOT);
        var sender = callers.current().mustBeVendor(path, "write", false);
        return writes.write(orgnr, sender, "vkp-r4/" + path, type, contentType, prefer, idempotencyKey, body);
    }

    @Operation(summary = "VKP R4: search the EPJ of municipality {orgnr} (form body), for the ServiceCodes named")
    @APIResponse(responseCode = "200", description = "a searchset Bundle, as the EPJ gave it; X-Read-Id names the read")
    @APIResponse(responseCode = "400", description = "ServiceCodes or a search parameter missing or invalid (VKP 2.x)")
    @APIResponse(responseCode = "403", description = "scope, grant or ServiceCode refuses (VKP 1.x)")
    @APIResponse(responseCode = "503", description = "the EPJ cannot be reached; see Retry-After")
    @APIResponse(responseCode = "504", description = "the EPJ did not answer within the read deadline (VKP 3.1)")
    @POST
    @Path("/{resource}/_search")
    @Consumes(MediaType.WILDCARD)
    @Produces({FHIR_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> search(@PathParam("orgnr") String orgnr, @PathParam("resource") String resource,
            @HeaderParam("ServiceCodes") String serviceCodes, @Context UriInfo uri, byte[] body) {
        return read(orgnr, resource, serviceCodes, FormBody.parse(body), uri);
    }

    @Operation(summary = "VKP R4: search the EPJ of municipality {orgnr} (FHIR's GET form)")
    @GET
    @Path("/{resource}")
    @Produces({FHIR_JSON, MediaType.APPLICATION_JSON})
    public Uni<Response> searchByGet(@PathParam("orgnr") String orgnr, @PathParam("resource") String resource,
            @HeaderParam("ServiceCodes") String serviceCodes, @Context UriInfo uri) {
        return read(orgnr, resource, serviceCodes, uri.getQueryParameters(), uri);
    }

    private Uni<Response> read(String orgnr, String resource, String serviceCodesHeader,
            Map<String, List<String>> parameters, UriInfo uri) {
        String type = SearchQuery.typeOf(resource);
        if (type == null) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "vkp-endpoint",
                    "no search endpoint " + resource + "; searchable are " + VkpReads.READABLE.keySet()));
        }
        String path = type.toLowerCase(java.util.Locale.ROOT);
        var caller = callers.current();
        // a read costs the EPJ two searches: it counts against the client's rate like a write, refused or not
        rateLimiter.admit(caller.clientId());
        Writes.requireWellFormed(orgnr);
        List<String> serviceCodes = ServiceCodes.parse(serviceCodesHeader);
        try {
            var sender = caller.mustBeVendor(path, "read", false);
            if (serviceCodes.isEmpty()) {
                throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.REQUIRED,
                        VkpCode.INVALID_PARAMETER_COUNT, "service-codes-missing", "ServiceCodes",
                        "a read names the services it is for in the ServiceCodes header, e.g. ServiceCodes: ta,md"));
            }
            List<String> unknown = ServiceCodes.unknown(serviceCodes);
            if (!unknown.isEmpty()) {
                throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.CODEINVALID,
                        VkpCode.INVALID_FORMAT, "service-codes-unknown", "ServiceCodes", "unknown ServiceCode "
                                + String.join(",", unknown) + "; known are " + String.join(", ", ServiceCodes.ORDER)));
            }
            return reads.read(orgnr, sender, path, serviceCodes, SearchQuery.parse(type, parameters),
                    uri.getBaseUriBuilder().path("epj/r4").path(orgnr).build() + "/");
        } catch (Rejection refusal) {
            return reads.refused(orgnr, caller, path, serviceCodes, parameters, refusal);
        }
    }

    /** A FHIR client reads {@code BASE/metadata} of whatever base it is given, here one municipality's. */
    @GET
    @Path("/metadata")
    @PermitAll
    @Produces({FHIR_JSON, MediaType.APPLICATION_JSON})
    public String metadata(@PathParam("orgnr") String orgnr) {
        return MetadataResource.VKP;
    }

}
