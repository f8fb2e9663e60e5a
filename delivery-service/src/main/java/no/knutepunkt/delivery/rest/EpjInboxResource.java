package no.knutepunkt.delivery.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.repository.DeliveryRepository;
import no.knutepunkt.delivery.service.DeliveryQueue;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.model.rest.Callers;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The EPJ pull API (JFT-style): a municipality's EPJ, by a token bound to its orgnr, fetches the messages addressed to
 * it and acknowledges each once it is in the record. It sees its own municipality's messages and no others.
 */
@Path("/v1/epj/messages")
@Authenticated
@Produces("application/fhir+json")
public class EpjInboxResource {

    static final String ACKNOWLEDGE = "$journaling-acknowledged";

    private final DeliveryRepository deliveries;
    private final DeliveryQueue queue;
    private final Callers callers;
    private final PayloadVault vault;

    public EpjInboxResource(DeliveryRepository deliveries, DeliveryQueue queue, Callers callers,
            PayloadVault vault) {
        this.vault = vault;
        this.deliveries = deliveries;
        this.queue = queue;
        this.callers = callers;
    }

    /**
     * A page of the inbox as a FHIR searchset Bundle, oldest change first. Each entry is a message as the vendor sent
     * it; {@code fullUrl} names its message id. The {@code next} link carries the cursor.
     *
     * @param lastUpdated {@code gtINSTANT}: only messages changed after it
     * @param pending     true: only messages not yet acknowledged
     */
    @GET
    public Uni<String> list(@QueryParam("_lastUpdated") String lastUpdated, @QueryParam("_cursor") String cursor,
            @QueryParam("pending") @DefaultValue("false") boolean pending,
            @QueryParam("_count") @DefaultValue("50") int count) {
        String orgnr = callers.current().mustBeEpj();
        int size = Math.max(1, Math.min(count, 200));
        Instant after = Instant.EPOCH;
        String afterId = "";
        if (cursor != null) {
            String[] c = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            after = Instant.parse(c[0]);
            afterId = c[1];
        } else if (lastUpdated != null) {
            if (!lastUpdated.startsWith("gt")) {
                throw new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID_PARAMETER_COUNT,
                        "inbox-last-updated", "_lastUpdated takes gt followed by an instant"));
            }
            after = Instant.parse(lastUpdated.substring(2));
        }
        Instant from = after;
        String fromId = afterId;
        return io.quarkus.hibernate.reactive.panache.Panache.withSession(() ->
                deliveries.inbox(orgnr, from, fromId, pending, size)).chain(this::opened)
                .map(page -> bundle(page, size, pending));
    }

    @POST
    @Path("/{messageId}/{operation}")
    public Uni<Response> acknowledge(@PathParam("messageId") String messageId,
            @PathParam("operation") String operation) {
        ApiCaller caller = callers.current();
        String orgnr = caller.mustBeEpj();
        if (!ACKNOWLEDGE.equals(operation)) {
            throw new Rejection(404, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID, "inbox-operation",
                    "the operation on a message is " + ACKNOWLEDGE));
        }
        return queue.journaled(orgnr, messageId, caller.clientId()).map(d -> {
            if (d == null) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "inbox-unknown",
                        "no message " + messageId + " for this EPJ"));
            }
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics("message " + messageId + " journaled at " + d.journaledAt);
            return Response.ok(Outcomes.toJson(outcome)).build();
        });
    }

    /** A message of the inbox with its payload opened; null when the payload was erased. */
    private record Opened(Delivery delivery, String payload) {
    }

    private Uni<List<Opened>> opened(List<Delivery> page) {
        return Multi.createFrom().iterable(page)
                .onItem().transformToUniAndConcatenate(d -> vault.open(d.messageId, d.payload)
                        .map(payload -> new Opened(d, payload))
                        .onFailure(PayloadVault.Erased.class).recoverWithItem(new Opened(d, null)))
                .collect().asList();
    }

    private static String bundle(List<Opened> page, int size, boolean pending) {
        ObjectNode bundle = EventCodec.mapper().createObjectNode().put("resourceType", "Bundle")
                .put("type", "searchset");
        bundle.putObject("meta").put("lastUpdated", Instant.now().toString());
        ArrayNode entries = bundle.putArray("entry");
        for (Opened opened : page) {
            Delivery d = opened.delivery();
            ObjectNode entry = entries.addObject().put("fullUrl", "urn:uuid:" + d.messageId);
            // an erased payload is gone for the EPJ too: it is told so, and can acknowledge the message
            entry.set("resource", parse(opened.payload() != null ? opened.payload() : Outcomes.toJson(Outcomes.error(
                    IssueType.DELETED, VkpCode.OTHER, "payload-erased", "the message's payload was erased"))));
            entry.putObject("search").put("mode", "match");
            ObjectNode response = entry.putObject("response").put("status", d.journaledAt == null ? "202" : "200")
                    .put("lastModified", d.updatedAt.toString());
            response.put("etag", d.journaledAt == null ? "pending" : "journaled");
        }
        if (page.size() == size) {
            Delivery last = page.get(page.size() - 1).delivery();
            String next = Base64.getUrlEncoder().withoutPadding().encodeToString((last.updatedAt + "|" + last.messageId)
                    .getBytes(StandardCharsets.UTF_8));
            bundle.putArray("link").addObject().put("relation", "next")
                    .put("url", "/v1/epj/messages?_cursor=" + next + "&_count=" + size + "&pending=" + pending);
        }
        return bundle.toString();
    }

    private static JsonNode parse(String payload) {
        try {
            return EventCodec.mapper().readTree(payload);
        } catch (IOException e) {
            throw new IllegalStateException("a stored payload is not JSON", e);
        }
    }
}
