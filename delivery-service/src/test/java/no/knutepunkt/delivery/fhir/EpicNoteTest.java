package no.knutepunkt.delivery.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import no.knutepunkt.model.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpicNoteTest {

    static String fixture(String name) throws Exception {
        return Files.readString(Path.of("..", "examples", name));
    }

    @Test
    void theMessagesPatientIsFoundByItsNationalId() throws Exception {
        EpicNote.PatientId patient = EpicNote.patientOf(fixture("01-medication-dispense-success.json"));
        assertEquals("urn:oid:2.16.578.1.12.4.1.4.1|14834540011", patient.search());
    }

    @Test
    void anAlarmBecomesOneNoteWithReadableTextAndTheMessageAsReceived() throws Exception {
        String payload = fixture("02-missed-dose-alarm.json");
        JsonNode doc = EventCodec.mapper().readTree(EpicNote.documentReference("m-1", payload,
                "http://loinc.org|34109-9|Note", "Patient/abc", Instant.parse("2025-03-14T07:00:00Z")));
        assertEquals("DocumentReference", doc.path("resourceType").asText());
        assertEquals("Patient/abc", doc.path("subject").path("reference").asText());
        assertEquals("34109-9", doc.path("type").path("coding").path(0).path("code").asText());
        assertEquals("urn:uuid:m-1", doc.path("identifier").path(0).path("value").asText());
        String text = new String(Base64.getDecoder().decode(doc.path("content").path(0).path("attachment")
                .path("data").asText()), StandardCharsets.UTF_8);
        assertTrue(text.contains("DetectedIssue"), text);
        assertTrue(text.contains("Ikke utlevert"), text);
        String original = new String(Base64.getDecoder().decode(doc.path("content").path(1).path("attachment")
                .path("data").asText()), StandardCharsets.UTF_8);
        assertEquals(payload, original);
    }
}
