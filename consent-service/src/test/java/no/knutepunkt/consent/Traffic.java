package no.knutepunkt.consent;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What the consent tests do to the service: administer through its API, and send it received messages. */
public final class Traffic {

    public static final String ORGNR = "312229544";
    public static final DevTokens TOKENS = DevTokens.fromEnvironment();

    private Traffic() {
    }

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static String newSender() {
        return "Testleverandor_" + UUID.randomUUID().toString().substring(0, 8) + "_" + ORGNR;
    }

    public static String grants(String orgnr) {
        return "/consent/v1/municipalities/" + orgnr + "/grants";
    }

    public static Map<String, Object> terms(String vkpId) {
        Map<String, Object> terms = new HashMap<>(Map.of("vkpId", vkpId, "vendor", "Testleverandor",
                "system", "Dispenser", "scopes", List.of("nhn:vkp/api/user/bundle.write"), "legalBasis",
                "helse- og omsorgstjenesteloven § 3-2, databehandleravtale 2025-17"));
        return terms;
    }

    public static ValidatableResponse grant(String vkpId) {
        return grant(terms(vkpId));
    }

    public static ValidatableResponse grant(Map<String, Object> terms) {
        return given().auth().oauth2(TOKENS.municipalityAdmin(ORGNR)).contentType(ContentType.JSON).body(terms)
                .post(grants(ORGNR)).then();
    }

    /** A received message from {@code vkpId} about the patient with {@code patientKey}, as ingest writes it. */
    public static EventEnvelope send(String vkpId, String patientKey) {
        String messageId = UUID.randomUUID().toString();
        MessageReceived received = new MessageReceived(messageId, ORGNR, new Sender(vkpId, "client"),
                "vkp-r4/bundle", MessageKind.MEDICATION_DISPENSE, List.of("MedicationDispense"), patientKey,
                "0".repeat(64), "{\"resourceType\":\"Bundle\"}", Instant.now().truncatedTo(ChronoUnit.MICROS), null);
        EventEnvelope envelope = EventEnvelope.create("test", patientKey, messageId, null, received);
        new TopicProbe(bootstrap()).publish(Topics.MESSAGES_RECEIVED, envelope);
        return envelope;
    }

    public static EventEnvelope send(String vkpId) {
        return send(vkpId, "0123456789abcdef0123456789abcdef");
    }

    /** Consent's decision on a sent message, checked to be caused by it and keyed like it. */
    public static EventData decisionFor(EventEnvelope received) {
        ConsumerRecord<String, String> record = new TopicProbe(bootstrap()).await(Topics.CONSENT_DECISIONS,
                e -> received.correlationid().equals(e.correlationid()), Duration.ofSeconds(20));
        assertNotNull(record, "a decision was published");
        EventEnvelope decision = EventCodec.decode(record.value());
        assertEquals(received.id(), decision.causationid());
        assertEquals(received.subject(), record.key());
        return decision.payload();
    }
}
