package no.knutepunkt.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import no.knutepunkt.model.crypto.PayloadVault;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.model.fhir.Fhir;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import no.knutepunkt.ingest.MessageStatus;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Instant;

/**
 * JFT-style status of one message: the time of each step, the state, and why it stopped when it did. A vendor sees
 * only its own messages; an operator sees all.
 */
// "$status" arrives percent-encoded from some clients, so it is compared after decoding
@Path("/v1/{type}/{id}/{operation}")
@Authenticated
public class StatusResource {

    private final MessageStatusRepository repository;
    private final Callers callers;
    private final PayloadVault vault;

    public StatusResource(MessageStatusRepository repository, Callers callers, PayloadVault vault) {
        this.repository = repository;
        this.callers = callers;
        this.vault = vault;
    }

    static String location(String type, String messageId) {
        return "/v1/" + type + "/" + messageId + "/$status";
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(String code, String text) {
    }

    /** What the deep validation (off the request path) found; it does not stop the message. */
    public record Validation(Instant validated, int errors, int warnings, JsonNode findings) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatusView(String id, String state, String orgnr, String sender, String kind, Instant registered,
            Instant authorized, Instant denied, Instant routed, Instant unroutable, Instant delivered,
            Instant failed, Instant journaled, Integer attempts, Instant nextAttempt, String lastError, Reason reason,
            Validation validation) {

        static StatusView of(MessageStatus s, JsonNode findings) {
            return new StatusView(s.messageId, s.state(), s.orgnr, s.senderVkpId, s.kind, s.receivedAt,
                    s.authorizedAt, s.deniedAt, s.routedAt, s.unroutableAt, s.deliveredAt, s.failedAt, s.journaledAt,
                    s.attempts, waiting(s) ? s.nextAttemptAt : null, waiting(s) ? s.lastError : null,
                    s.reasonCode == null ? null : new Reason(s.reasonCode, s.reason),
                    s.validatedAt == null ? null : new Validation(s.validatedAt, s.validationErrors,
                            s.validationWarnings, findings));
        }

        /** Delivery is still trying: the planned retry and the last error are news to the sender. */
        private static boolean waiting(MessageStatus s) {
            return s.deliveredAt == null && s.failedAt == null && s.nextAttemptAt != null;
        }

    }

    /** The deep validation's findings with their texts opened (sealed on the log; unreadable once erased). */
    private Uni<JsonNode> findingsOf(MessageStatus s) {
        JsonNode findings;
        try {
            findings = s.validationFindings == null ? null : EventCodec.mapper().readTree(s.validationFindings);
        } catch (java.io.IOException e) {
            return Uni.createFrom().nullItem();
        }
        if (findings == null || !findings.isArray()) {
            return Uni.createFrom().item(findings);
        }
        return Multi.createFrom().iterable(findings)
                .onItem().transformToUniAndConcatenate(f -> vault.open(s.messageId, f.path("text").asText(null))
                        .onFailure(PayloadVault.Erased.class).recoverWithItem("(erased with the patient's data)")
                        .map(text -> ((ObjectNode) f.deepCopy()).put("text", text)))
                .collect().asList()
                .map(opened -> EventCodec.mapper().valueToTree(opened));
    }

    @Operation(summary = "Where a message is: the time of each step, its state, and why it stopped when it did")
    @APIResponse(responseCode = "200", description = "the status: plain JSON, or a FHIR Parameters resource to a "
            + "client that asks for FHIR JSON")
    @APIResponse(responseCode = "404", description = "no such message for this sender")
    @GET
    @Produces({MediaType.APPLICATION_JSON, VkpResource.FHIR_JSON, JSON_FHIR})
    @WithSession
    public Uni<Response> status(@PathParam("type") String type, @PathParam("id") String id,
            @PathParam("operation") String operation, @Context HttpHeaders headers) {
        if (!"$status".equals(operation)) {
            throw new jakarta.ws.rs.NotFoundException("unknown operation " + operation);
        }
        ApiCaller caller = callers.current();
        return repository.findById(id).chain(status -> {
            // another vendor's message is answered exactly like an unknown one
            if (status == null || !(caller.isOperator() || caller.isSender(status.senderVkpId))) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "message-unknown",
                        "no message " + id + " for this sender"));
            }
            return findingsOf(status).map(findings -> StatusView.of(status, findings));
        }).map(view -> wantsFhir(headers)
                ? Response.ok(Fhir.jsonParser().encodeResourceToString(parameters(
                        EventCodec.mapper().valueToTree(view))), VkpResource.FHIR_JSON).build()
                : Response.ok(view, MediaType.APPLICATION_JSON).build());
    }

    /** FHIR JSON's older name, which HAPI's client still asks for. */
    static final String JSON_FHIR = "application/json+fhir";

    /** The caller prefers a FHIR media type to plain JSON (HAPI's client: fhir+json;q=1.0, json+fhir;q=0.9). */
    static boolean wantsFhir(HttpHeaders headers) {
        for (MediaType acceptable : headers.getAcceptableMediaTypes()) {
            String t = acceptable.getType() + "/" + acceptable.getSubtype();
            if (t.equals(VkpResource.FHIR_JSON) || t.equals(JSON_FHIR)) {
                return true;
            }
            if (t.equals(MediaType.APPLICATION_JSON) || acceptable.isWildcardType() || acceptable.isWildcardSubtype()) {
                return false;
            }
        }
        return false;
    }

    /** The status as FHIR Parameters: one parameter per field, objects as parts, timestamps as instants. */
    static Parameters parameters(JsonNode status) {
        Parameters parameters = new Parameters();
        status.fields().forEachRemaining(f -> fill(parameters.addParameter().setName(f.getKey()), f.getValue()));
        return parameters;
    }

    private static void fill(Parameters.ParametersParameterComponent p, JsonNode value) {
        if (value.isObject()) {
            value.fields().forEachRemaining(f -> fill(p.addPart().setName(f.getKey()), f.getValue()));
        } else if (value.isArray()) {
            value.forEach(item -> fill(p.addPart().setName("item"), item));
        } else if (value.isIntegralNumber()) {
            p.setValue(new IntegerType(value.intValue()));
        } else if (value.isBoolean()) {
            p.setValue(new BooleanType(value.booleanValue()));
        } else if ("state".equals(p.getName())) {
            p.setValue(new CodeType(value.asText()));
        } else {
            p.setValue(instantOrString(value.asText()));
        }
    }

    private static org.hl7.fhir.r4.model.Type instantOrString(String text) {
        try {
            return new InstantType(java.util.Date.from(Instant.parse(text)));
        } catch (java.time.format.DateTimeParseException e) {
            return new StringType(text);
        }
    }
}
