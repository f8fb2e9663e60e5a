package no.knutepunkt.delivery.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.identity.NationalId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Helseplattformen (Epic) delivery profile: one VKP message becomes one clinical note, a FHIR R4
 * {@code DocumentReference} written with a single create, the way US Core's "Writing Clinical Notes" describes it (no
 * transaction needed). See {@code delivery-service/docs/helseplattformen.md} for the mapping and its sources.
 *
 * <ul>
 *   <li>{@code subject}: the Epic Patient the EPJ finds for the message's national id (resolved before the create);</li>
 *   <li>{@code type}: a configurable code per message kind (LOINC by default);</li>
 *   <li>{@code content[0]}: a short plain-text rendering for the clinician; {@code content[1]}: the VKP message as
 *       received ({@code application/fhir+json}), so nothing is lost in the mapping;</li>
 *   <li>{@code identifier}: the message id, for a conditional create that makes a redelivery find the note.</li>
 * </ul>
 */
public final class EpicNote {

    public static final String MESSAGE_ID_SYSTEM = "urn:ietf:rfc:3986";

    private EpicNote() {
    }

    /** The patient a message is about, as the identifier the EPJ is searched by. */
    public record PatientId(String system, String value) {
        public String search() {
            return system + "|" + value;
        }
    }

    /** The first person identifier ({@code subject.identifier} or a Patient's identifier) in the message. */
    public static PatientId patientOf(String payload) {
        JsonNode root = read(payload);
        List<JsonNode> resources = resources(root);
        for (JsonNode r : resources) {
            for (JsonNode id : List.of(r.path("subject").path("identifier"), r.path("patient").path("identifier"))) {
                if (NationalId.isPersonSystem(id.path("system").asText()) && id.hasNonNull("value")) {
                    return new PatientId(id.get("system").asText(), id.get("value").asText());
                }
            }
            if ("Patient".equals(r.path("resourceType").asText())) {
                for (JsonNode id : r.path("identifier")) {
                    if (NationalId.isPersonSystem(id.path("system").asText())) {
                        return new PatientId(id.get("system").asText(), id.get("value").asText());
                    }
                }
            }
        }
        return null;
    }

    /**
     * @param type        {@code system|code|display} of the note type for the message's kind
     * @param patientRef  the EPJ's own reference to the patient, e.g. {@code Patient/e63wRTbPfr1p8UW81d8Seiw3}
     */
    public static String documentReference(String messageId, String payload, String type, String patientRef,
            Instant receivedAt) {
        JsonNode root = read(payload);
        String[] t = type.split("\\|", 3);
        ObjectNode doc = EventCodec.mapper().createObjectNode().put("resourceType", "DocumentReference")
                .put("status", "current").put("docStatus", "final");
        doc.putArray("identifier").addObject().put("system", MESSAGE_ID_SYSTEM).put("value", "urn:uuid:" + messageId);
        ObjectNode coding = doc.putObject("type").putArray("coding").addObject().put("system", t[0]).put("code", t[1]);
        if (t.length > 2) {
            coding.put("display", t[2]);
        }
        doc.putObject("subject").put("reference", patientRef);
        doc.put("date", receivedAt.toString());
        doc.put("description", "Velferdsteknologi: " + summaryTitle(root));
        ArrayNode content = doc.putArray("content");
        content.addObject().putObject("attachment").put("contentType", "text/plain; charset=utf-8")
                .put("data", base64(text(root))).put("title", "Hendelse fra velferdsteknologi");
        content.addObject().putObject("attachment").put("contentType", "application/fhir+json")
                .put("data", base64(payload)).put("title", "VKP-melding");
        return doc.toString();
    }

    /** One line per resource: its type, the displays of its codes, its times, and its narrative. */
    static String text(JsonNode root) {
        StringBuilder text = new StringBuilder();
        for (JsonNode r : resources(root)) {
            List<String> displays = new ArrayList<>();
            collectDisplays(r, displays, 0);
            text.append(r.path("resourceType").asText());
            if (!displays.isEmpty()) {
                text.append(": ").append(String.join("; ", displays));
            }
            for (String time : List.of("whenHandedOver", "identifiedDateTime", "date", "effectiveDateTime")) {
                if (r.hasNonNull(time)) {
                    text.append(" (").append(r.get(time).asText()).append(')');
                }
            }
            String narrative = r.path("text").path("div").asText("").replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ")
                    .trim();
            if (!narrative.isEmpty()) {
                text.append(" — ").append(narrative);
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String summaryTitle(JsonNode root) {
        for (JsonNode r : resources(root)) {
            if (r.hasNonNull("title")) {
                return r.get("title").asText();
            }
        }
        List<JsonNode> all = resources(root);
        return all.isEmpty() ? "melding" : all.get(0).path("resourceType").asText();
    }

    private static void collectDisplays(JsonNode node, List<String> out, int depth) {
        if (depth > 4 || out.size() > 10) {
            return;
        }
        if (node.isObject()) {
            if (node.hasNonNull("display") && node.hasNonNull("code")) {
                out.add(node.get("display").asText());
            }
            node.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("text") && !f.getKey().equals("contained")) {
                    collectDisplays(f.getValue(), out, depth + 1);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectDisplays(n, out, depth + 1));
        }
    }

    private static List<JsonNode> resources(JsonNode root) {
        List<JsonNode> list = new ArrayList<>();
        if ("Bundle".equals(root.path("resourceType").asText())) {
            root.path("entry").forEach(e -> list.add(e.path("resource")));
        } else {
            list.add(root);
        }
        return list;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(String payload) {
        try {
            return EventCodec.mapper().readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the message is not JSON", e);
        }
    }
}
