package no.knutepunkt.epj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the stand-in's EPJ knows of its patients, for vendors' reads: synthetic patients (Tenor-style national ids,
 * month + 80) with their services as EpisodeOfCare, visit plans, DHO notes, conditions, allergies and medication
 * statements. One patient's alarm service has ended and one has no service at all, so that need-to-know has
 * something to refuse.
 */
final class ReadRecords {

    static final String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";
    /** The EPJ's own service codes (IPLOS tjenestetype), as an EPJ's EpisodeOfCare.type carries them. */
    static final String SERVICE_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.9151";

    private final ObjectMapper json;
    private final List<ObjectNode> records = new ArrayList<>();

    ReadRecords(ObjectMapper json) {
        this.json = json;
        ObjectNode a = patient("rp-1", "12854849156", "Syntetisk", "Alarmbruker");
        service(a, "eoc-1a", "6", "Trygghetsalarm", "active", "2024-02-01", null);
        service(a, "eoc-1b", "27", "Medisindispenser", "active", "2025-06-15", null);
        service(a, "eoc-1c", "DHO", "Digital hjemmeoppfølging", "active", "2026-09-01", null);
        visitPlan(a, "cp-1", "2026-11-30", "2026-12-06", "Morgenbesøk, medisiner");
        note(a, "co-1", "2026-11-28T08:15:00+01:00", "DHO-notat: blodtrykk innenfor mål");
        clinical(a, "Condition", "cond-1", "I10", "Hypertensjon");
        clinical(a, "AllergyIntolerance", "al-1", "91936005", "Penicillinallergi");
        clinical(a, "MedicationStatement", "ms-1", "C09AA05", "Ramipril 5 mg");
        ObjectNode b = patient("rp-2", "03895211256", "Syntetisk", "Sporingsbruker");
        service(b, "eoc-2", "26", "GPS-sporing", "active", "2025-01-10", null);
        visitPlan(b, "cp-2", "2026-12-01", "2026-12-07", "Ettermiddagsbesøk");
        clinical(b, "Condition", "cond-2", "F03", "Demens");
        ObjectNode c = patient("rp-3", "27823990583", "Syntetisk", "Avsluttet");
        service(c, "eoc-3", "6", "Trygghetsalarm", "finished", "2022-03-01", "2026-10-31");
        clinical(c, "MedicationStatement", "ms-3", "N02BE01", "Paracetamol 500 mg");
        patient("rp-4", "08916133899", "Syntetisk", "Utentjeneste");
    }

    /**
     * A search of one type: by patient ({@code identifier} for Patient, {@code patient.identifier} otherwise, bare
     * value or {@code system|value}), by {@code status}, by {@code date=ge…}/{@code le…} on the resource's date; every
     * match, in a fixed order, for the caller to page.
     */
    List<ObjectNode> search(String type, Map<String, List<String>> params) {
        String patient = first(params, "Patient".equals(type) ? "identifier" : "patient.identifier");
        String value = patient == null ? null : patient.substring(patient.indexOf('|') + 1);
        List<ObjectNode> found = new ArrayList<>();
        for (ObjectNode r : records) {
            if (!type.equals(r.path("resourceType").asText())) {
                continue;
            }
            if (value != null && !value.equals(nationalIdOf(r))) {
                continue;
            }
            // an EPJ's own patient id, as Epic searches: patient=ID, or _id=ID of the Patient itself
            String byId = first(params, "Patient".equals(type) ? "_id" : "patient");
            if (byId != null && !byId.equals("Patient".equals(type) ? r.path("id").asText()
                    : patientIdOf(r))) {
                continue;
            }
            String status = first(params, "status");
            if (status != null && !status.equals(r.path("status").asText())) {
                continue;
            }
            if (inRange(dateOf(r), params.getOrDefault("date", List.of()))) {
                found.add(r);
            }
        }
        return found;
    }

    static boolean holds(String type) {
        return List.of("Patient", "EpisodeOfCare", "CarePlan", "Composition", "Condition", "AllergyIntolerance",
                "MedicationStatement").contains(type);
    }

    private static String nationalIdOf(JsonNode r) {
        if ("Patient".equals(r.path("resourceType").asText())) {
            return r.path("identifier").path(0).path("value").asText();
        }
        JsonNode who = r.has("patient") ? r.get("patient") : r.path("subject");
        return who.path("identifier").path("value").asText();
    }

    private static String patientIdOf(JsonNode r) {
        JsonNode who = r.has("patient") ? r.get("patient") : r.path("subject");
        return who.path("reference").asText().replaceFirst("^Patient/", "");
    }

    private static String dateOf(JsonNode r) {
        return switch (r.path("resourceType").asText()) {
            case "CarePlan", "EpisodeOfCare" -> r.path("period").path("start").asText(null);
            case "Composition" -> r.path("date").asText(null);
            default -> null;
        };
    }

    /** FHIR's ge/le/gt/lt/eq on the dates' common prefix (a day or an instant); undated resources always match. */
    private static boolean inRange(String date, List<String> bounds) {
        if (date == null) {
            return true;
        }
        for (String bound : bounds) {
            String op = bound.length() > 2 && Character.isLetter(bound.charAt(0)) ? bound.substring(0, 2) : "eq";
            String at = op.equals("eq") && !Character.isLetter(bound.charAt(0)) ? bound : bound.substring(2);
            int n = Math.min(at.length(), date.length());
            int cmp = date.substring(0, n).compareTo(at.substring(0, n));
            boolean ok = switch (op) {
                case "ge" -> cmp >= 0;
                case "gt" -> cmp > 0;
                case "le" -> cmp <= 0;
                case "lt" -> cmp < 0;
                default -> cmp == 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private ObjectNode patient(String id, String fnr, String given, String family) {
        ObjectNode p = resource("Patient", id);
        p.putArray("identifier").addObject().put("system", FNR).put("value", fnr);
        ObjectNode name = p.putArray("name").addObject().put("family", family);
        name.putArray("given").add(given);
        return p;
    }

    private void service(ObjectNode patient, String id, String code, String display, String status, String start,
            String end) {
        ObjectNode e = about(resource("EpisodeOfCare", id), "patient", patient).put("status", status);
        e.putArray("type").addObject().putArray("coding").addObject().put("system", SERVICE_SYSTEM)
                .put("code", code).put("display", display);
        ObjectNode period = e.putObject("period").put("start", start);
        if (end != null) {
            period.put("end", end);
        }
        e.putObject("managingOrganization").put("display", "Testkommune - Helse og omsorg");
    }

    private void visitPlan(ObjectNode patient, String id, String start, String end, String text) {
        ObjectNode cp = about(resource("CarePlan", id), "subject", patient).put("status", "active")
                .put("intent", "plan");
        cp.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://ehelse.no/fhir/CodeSystem/vkp-careplan-category-v090").put("code", "3")
                .put("display", "besoksplan");
        cp.putObject("period").put("start", start).put("end", end);
        ObjectNode detail = cp.putArray("activity").addObject().putObject("detail").put("kind", "Appointment")
                .put("status", "scheduled").put("description", text);
        detail.putObject("scheduledPeriod").put("start", start + "T08:00:00+01:00").put("end", start + "T08:30:00+01:00");
    }

    private void note(ObjectNode patient, String id, String date, String title) {
        ObjectNode co = about(resource("Composition", id), "subject", patient).put("status", "final")
                .put("date", date).put("title", title);
        co.putObject("type").putArray("coding").addObject()
                .put("system", "http://ehelse.no/fhir/CodeSystem/vkp-composition-type-v090").put("code", "2")
                .put("display", "Digital hjemmeoppfølging");
        co.putArray("author").addObject().put("display", "Testkommune hjemmetjeneste");
    }

    private void clinical(ObjectNode patient, String type, String id, String code, String text) {
        String field = type.equals("AllergyIntolerance") ? "patient" : "subject";
        ObjectNode r = about(resource(type, id), field, patient);
        r.putObject(type.equals("MedicationStatement") ? "medicationCodeableConcept" : "code").put("text", text)
                .putArray("coding").addObject().put("code", code);
        if (type.equals("MedicationStatement")) {
            r.put("status", "active");
        }
    }

    private ObjectNode resource(String type, String id) {
        ObjectNode r = json.createObjectNode().put("resourceType", type).put("id", id);
        records.add(r);
        return r;
    }

    /** The patient named as a FHIR client of an EPJ sees it: by reference, and by national id. */
    private static ObjectNode about(ObjectNode r, String field, ObjectNode patient) {
        ObjectNode ref = r.putObject(field).put("reference", "Patient/" + patient.get("id").asText());
        ref.putObject("identifier").put("system", FNR).put("value", patient.path("identifier").path(0)
                .path("value").asText());
        return r;
    }

    /**
     * One page of a search as a searchset, HAPI's way: {@code _count} at a time from {@code _getpagesoffset}, with a
     * {@code next} link that repeats the search from the next offset, and the total of every match.
     */
    ObjectNode page(String type, Map<String, List<String>> params, String base) {
        List<ObjectNode> found = search(type, params);
        String count = first(params, "_count");
        String offset = first(params, "_getpagesoffset");
        int from = offset == null ? 0 : Math.min(Integer.parseInt(offset), found.size());
        int to = count == null ? found.size() : Math.min(found.size(), from + Integer.parseInt(count));
        ObjectNode bundle = json.createObjectNode().put("resourceType", "Bundle").put("type", "searchset")
                .put("total", found.size());
        ArrayNode links = bundle.putArray("link");
        links.addObject().put("relation", "self").put("url", base + "/" + type + "?" + query(params, from));
        if (to < found.size()) {
            links.addObject().put("relation", "next").put("url", base + "/" + type + "?" + query(params, to));
        }
        asEntries(found.subList(from, to), bundle.putArray("entry"), base);
        return bundle;
    }

    private static String query(Map<String, List<String>> params, int offset) {
        List<String> parts = new ArrayList<>();
        params.forEach((name, values) -> {
            if (!name.equals("_getpagesoffset")) {
                values.forEach(v -> parts.add(name + "=" + java.net.URLEncoder.encode(v,
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        parts.add("_getpagesoffset=" + offset);
        return String.join("&", parts);
    }

    ArrayNode asEntries(List<ObjectNode> found, ArrayNode entries, String base) {
        for (ObjectNode r : found) {
            entries.addObject().put("fullUrl", base + "/" + r.get("resourceType").asText() + "/" + r.get("id").asText())
                    .set("resource", r.deepCopy());
        }
        return entries;
    }
}
