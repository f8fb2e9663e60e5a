package no.knutepunkt.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.LogEntry;
import no.knutepunkt.audit.repository.LogEntryRepository;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.fhir.Fhir;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A municipality's log of what was received about its patients, from whom, and to whom it was disclosed, as FHIR
 * {@code AuditEvent}s in the style of IHE BALP: what it needs to answer a citizen's access request. A patient is
 * asked for by national id, hashed at once with the hub's patient key; the export names patients only by that key.
 */
@ApplicationScoped
public class Disclosures {

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String PATIENT_KEY = "https://knutepunkt.no/fhir/NamingSystem/patient-key";
    static final String VKP_ID = "https://knutepunkt.no/fhir/NamingSystem/vkp-id";

    private final LogEntryRepository entries;
    private final PatientKeys patients;

    public Disclosures(LogEntryRepository entries, PatientKeys patients) {
        this.entries = entries;
        this.patients = patients;
    }

    /** A searchset Bundle of AuditEvents, oldest first. */
    public Uni<String> export(String orgnr, String nationalId, Instant from, Instant to, int limit) {
        String patientKey = nationalId == null ? null : patients.of(nationalId);
        return Panache.withSession(() -> entries.disclosures(orgnr, patientKey, from, to, limit)
                .chain(found -> entries.readRequests(found.stream().filter(e -> e.type.startsWith(READ))
                        .map(e -> e.correlationId).distinct().toList()).map(requests -> {
                            Map<String, JsonNode> asked = new HashMap<>();
                            requests.forEach(r -> asked.put(r.correlationId, read(r.event).path("data")));
                            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
                            for (LogEntry e : found) {
                                bundle.addEntry().setFullUrl("urn:uuid:" + e.eventId)
                                        .setResource(auditEvent(e, asked.get(e.correlationId)));
                            }
                            bundle.setTotal(found.size());
                            return Fhir.jsonParser().encodeResourceToString(bundle);
                        })));
    }

    static final String READ = "no.knutepunkt.read.";

    /**
     * @param request for a read's end, the read's request (who asked for what), as the index holds it; a read
     *                refused at the door is its own request
     */
    static AuditEvent auditEvent(LogEntry e, JsonNode request) {
        JsonNode data = read(e.event).path("data");
        AuditEvent a = new AuditEvent().setRecorded(Date.from(e.time)).setOutcome(AuditEventOutcome._0);
        a.getSource().setObserver(new Reference().setDisplay("Knutepunkt")).addType(new Coding(
                "http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
        if (e.type.startsWith(READ)) {
            return query(a, e, data, request == null ? data : request);
        }
        switch (e.type) {
            case "no.knutepunkt.message.received.v1", "no.knutepunkt.consent.denied.v1" -> {
                boolean denied = e.type.endsWith("denied.v1");
                a.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"))
                        .addSubtype(new Coding(INTERACTION, "create", "create")).setAction(AuditEventAction.C);
                JsonNode sender = data.path("sender");
                a.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier()
                        .setSystem(VKP_ID).setValue(sender.path("vkpId").asText())))
                        .setAltId(sender.path("clientId").asText(null));
                if (denied) {
                    a.setOutcome(AuditEventOutcome._4).setOutcomeDesc("denied by consent: VKP code "
                            + data.path("vkpCode").asText() + ", rule " + data.path("rule").asText());
                }
            }
            case "no.knutepunkt.delivery.delivered.v1" -> {
                a.setType(new Coding(DCM, "110106", "Export")).setAction(AuditEventAction.C);
                a.addAgent().setRequestor(true).setWho(new Reference().setDisplay("Knutepunkt delivery-service"));
                a.addAgent().setRequestor(false).setWho(new Reference().setDisplay(data.path("endpoint").asText()))
                        .setType(new CodeableConcept(new Coding(DCM, "110152", "Destination Role ID")));
            }
            default -> {
                // journaled: the municipality's EPJ took the message into the record
                a.setType(new Coding(DCM, "110107", "Import")).setAction(AuditEventAction.C);
                a.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier()
                        .setSystem("https://knutepunkt.no/fhir/NamingSystem/helseid-client")
                        .setValue(data.path("acknowledgedBy").asText())));
            }
        }
        patient(a, e.subject);
        a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986")
                .setValue("urn:uuid:" + e.correlationId))).setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setDescription(data.path("kind").asText(null));
        return a;
    }

    /**
     * A read, as BALP's query event: who asked (the vendor system), for which patient or patients, which resource
     * and ServiceCodes, and what it came to: how many resources of which types were disclosed, or why none.
     */
    private static AuditEvent query(AuditEvent a, LogEntry e, JsonNode data, JsonNode request) {
        a.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"))
                .addSubtype(new Coding(INTERACTION, "search-type", "search-type")).setAction(AuditEventAction.E);
        JsonNode sender = data.path("sender");
        // a token refused at the door may be no vendor system's: then only its client is known
        String vkpId = sender.path("vkpId").asText(null);
        a.addAgent().setRequestor(true).setWho(vkpId == null ? new Reference().setDisplay("HelseID client "
                + sender.path("clientId").asText("?")) : new Reference().setIdentifier(new Identifier()
                        .setSystem(VKP_ID).setValue(vkpId))).setAltId(sender.path("clientId").asText(null));
        List<String> codes = new ArrayList<>();
        request.path("serviceCodes").forEach(c -> codes.add(c.asText()));
        String what = request.path("resource").asText(data.path("resource").asText("?")) + " for ServiceCodes "
                + String.join(",", codes);
        if (e.type.endsWith("answered.v1")) {
            List<String> disclosed = new ArrayList<>();
            data.path("disclosed").fields().forEachRemaining(f -> disclosed.add(f.getValue().asInt() + " "
                    + f.getKey()));
            a.setOutcomeDesc("disclosed " + (disclosed.isEmpty() ? "nothing" : String.join(", ", disclosed)));
            data.path("patientKeys").forEach(k -> patient(a, k.asText()));
        } else {
            a.setOutcome(AuditEventOutcome._4).setOutcomeDesc((e.type.endsWith("denied.v1") ? "denied by consent"
                    : e.type.endsWith("refused.v1") ? "refused by the hub, HTTP " + data.path("status").asInt()
                    : "not answered") + ": VKP code " + data.path("vkpCode").asText() + ", rule "
                    + data.path("rule").asText());
        }
        String patientKey = request.path("patientKey").asText(null);
        if (patientKey != null && a.getEntity().stream().noneMatch(x -> patientKey.equals(x.getWhat()
                .getIdentifier().getValue()))) {
            patient(a, patientKey);
        }
        a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986")
                .setValue("urn:uuid:" + e.correlationId))).setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "24", "Query")).setDescription(what);
        return a;
    }

    private static void patient(AuditEvent a, String patientKey) {
        a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem(PATIENT_KEY)
                .setValue(patientKey))).setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }

    private static JsonNode read(String json) {
        try {
            return EventCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("an indexed event is not JSON", e);
        }
    }
}
