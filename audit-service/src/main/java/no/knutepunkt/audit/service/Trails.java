package no.knutepunkt.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.LogEntry;
import no.knutepunkt.audit.repository.LogEntryRepository;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The trail of one message: every event about it, in order, with who did what, the decision and rule, and errors. An
 * operator and the message's municipality see every step in full; the sender sees each step with only what concerns
 * it (codes, reasons as told to it, attempts), not the grants, routes, restrictions or EPJ details behind them.
 */
@ApplicationScoped
public class Trails {

    /** What a sender may see of a step's data. */
    private static final Set<String> FOR_SENDER = Set.of("messageId", "orgnr", "kind", "vkpCode", "reason",
            "receivedAt", "decidedAt", "routedAt", "deliveredAt", "failedAt", "journaledAt", "validatedAt", "attempt",
            "attempts", "nextAttemptAt", "errors", "warnings");

    private final LogEntryRepository entries;

    public Trails(LogEntryRepository entries) {
        this.entries = entries;
    }

    /** One step: the event's type, time, source and (as far as the caller may see) its data. */
    public record Step(String type, Instant time, String source, String eventId, String causationId, JsonNode data,
            String position) {
    }

    public record Trail(String messageId, String orgnr, String sender, List<Step> steps) {
    }

    public Uni<Trail> of(String messageId, ApiCaller caller) {
        return Panache.withSession(() -> entries.trail(messageId)).map(found -> {
            JsonNode received = found.stream().filter(e -> e.type.endsWith("message.received.v1")).findFirst()
                    .map(e -> read(e.event).path("data")).orElse(null);
            String orgnr = received == null ? null : received.path("orgnr").asText(null);
            String sender = received == null ? null : received.path("sender").path("vkpId").asText(null);
            boolean full = caller.isOperator() || caller.administers(orgnr);
            boolean own = caller.isSender(sender);
            if (found.isEmpty() || !(full || own)) {
                // the same answer for "not there" and "not yours": a trail never tells who else sent what
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "trail-unknown",
                        "no trail of message " + messageId + " for this caller"));
            }
            return new Trail(messageId, orgnr, sender, found.stream().map(e -> step(e, full)).toList());
        });
    }

    private static Step step(LogEntry e, boolean full) {
        JsonNode envelope = read(e.event);
        JsonNode data = envelope.path("data");
        if (!full) {
            ObjectNode shown = EventCodec.mapper().createObjectNode();
            data.fields().forEachRemaining(f -> {
                if (FOR_SENDER.contains(f.getKey())) {
                    shown.set(f.getKey(), f.getValue());
                }
            });
            if (e.type.endsWith("consent.denied.v1")) {
                shown.put("rule", data.hasNonNull("restrictionId") ? "consent" : data.path("rule").asText());
            }
            data = shown;
        }
        return new Step(e.type, e.time, e.source, e.eventId, envelope.path("causationid").asText(null), data,
                full ? e.topic + "/" + e.logPartition + "/" + e.logOffset : null);
    }

    private static JsonNode read(String json) {
        try {
            return EventCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("an indexed event is not JSON", e);
        }
    }
}
