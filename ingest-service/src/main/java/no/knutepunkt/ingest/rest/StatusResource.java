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
import jakarta.ws.rs.core.MediaType;
import no.knutepunkt.ingest.MessageStatus;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Instant;
import java.util.Objects;

/**
 * JFT-style status of one message: the time of each step, the state, and why it stopped when it did. A vendor sees
 * only its own messages; an operator sees all.
 */
// "$status" arrives percent-encoded from some clients, so it is compared after decoding
@Path("/v1/{type}/{id}/{operation}")
@Authenticated
public class StatusResource {

    private final MessageStatusRepository repository;
    private final JsonWebToken token;
    private final PayloadVault vault;

    public StatusResource(MessageStatusRepository repository, JsonWebToken token, PayloadVault vault) {
        this.repository = repository;
        this.token = token;
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
    @APIResponse(responseCode = "200", description = "the status")
    @APIResponse(responseCode = "404", description = "no such message for this sender")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @WithSession
    public Uni<StatusView> status(@PathParam("type") String type, @PathParam("id") String id,
            @PathParam("operation") String operation) {
        if (!"$status".equals(operation)) {
            throw new jakarta.ws.rs.NotFoundException("unknown operation " + operation);
        }
        Caller caller = Caller.of(token);
        return repository.findById(id).chain(status -> {
            // another vendor's message is answered exactly like an unknown one
            if (status == null || !(caller.isOperator() || Objects.equals(status.senderVkpId, caller.vkpId())
                    && caller.vkpId() != null)) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "message-unknown",
                        "no message " + id + " for this sender"));
            }
            return findingsOf(status).map(findings -> StatusView.of(status, findings));
        });
    }
}
