package no.knutepunkt.audit;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trail of messages, who may see what of it, and the hash chain that finds an altered event. */
@QuarkusTest
class AuditTrailTest {

    static final String ORGNR = "312229544";
    static final DevTokens TOKENS = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    Pool db;

    @Test
    void aMessagesTrailShowsEveryStepToItsMunicipalityAndOnlyItsOwnPartToTheSender() {
        String vkpId = "Sporleverandor_Alarm_" + ORGNR;
        String delivered = message(vkpId, true);
        String denied = message(vkpId, false);

        String admin = TOKENS.municipalityAdmin(ORGNR);
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> given().auth().oauth2(admin)
                .get("/audit/v1/messages/" + delivered + "/trail").then().statusCode(200)
                .body("steps.size()", equalTo(4)));
        JsonPath full = trail(admin, delivered);
        assertEquals(List.of("no.knutepunkt.message.received.v1", "no.knutepunkt.consent.authorized.v1",
                "no.knutepunkt.routing.routed.v1", "no.knutepunkt.delivery.delivered.v1"), full.getList("steps.type"));
        assertEquals("g-1", full.getString("steps[1].data.grantId"));
        assertEquals(true, full.getBoolean("steps[0].data.payloadLeftOut"), "no payload in the trail");
        assertEquals(full.getString("steps[0].eventId"), full.getString("steps[1].causationId"));

        // the sender: its steps, without the grant, the route or the EPJ behind them
        String vendor = TOKENS.vendor(vkpId, List.of("nhn:vkp/api/user/bundle.write"));
        JsonPath own = trail(vendor, delivered);
        assertEquals(4, own.getList("steps").size());
        String shown = own.prettify();
        assertFalse(shown.contains("g-1") || shown.contains("epj.test") || shown.contains("municipality-route"), shown);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertEquals("1.2",
                trail(vendor, denied).getString("steps[1].data.vkpCode")));

        // another sender, and another municipality, hear that there is no such trail
        given().auth().oauth2(TOKENS.vendor("Annen_Leverandor_" + ORGNR, List.of("nhn:vkp/api/user/bundle.write")))
                .get("/audit/v1/messages/" + delivered + "/trail").then().statusCode(404);
        given().auth().oauth2(TOKENS.municipalityAdmin("974760673"))
                .get("/audit/v1/messages/" + delivered + "/trail").then().statusCode(404);
    }

    @Test
    void verificationFindsAnAlteredEventAndARebuildFromTheLogRestoresTheIndex() {
        String messageId = message("Kjedeleverandor_Alarm_" + ORGNR, true);
        String operator = TOKENS.operator();
        // once the index has caught up with the log, the chain is intact
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().auth().oauth2(operator).post("/audit/v1/verify").then().statusCode(200)
                        .body("intact", equalTo(true)));
        assertEquals(403, given().auth().oauth2(TOKENS.municipalityAdmin(ORGNR)).post("/audit/v1/verify")
                .statusCode());

        // someone changes the recorded decision from allow to deny
        var altered = db.preparedQuery("UPDATE log_entries SET event = replace(event, 'grant-active', 'no-grant') "
                + "WHERE correlation_id = $1 AND type = 'no.knutepunkt.consent.authorized.v1' "
                + "RETURNING topic, log_partition, log_offset").execute(io.vertx.mutiny.sqlclient.Tuple.of(messageId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        JsonPath broken = given().auth().oauth2(operator).post("/audit/v1/verify").then().statusCode(200).extract()
                .jsonPath();
        assertFalse(broken.getBoolean("intact"));
        assertEquals(altered.getString(0), broken.getString("firstBreak.topic"));
        assertEquals(altered.getInteger(1), broken.getInt("firstBreak.partition"));
        assertEquals(altered.getLong(2), broken.getLong("firstBreak.offset"));
        assertTrue(broken.getString("firstBreak.problem").contains("differs from the log"));

        // someone changes a recorded hash: the chain names that place too
        db.preparedQuery("UPDATE log_entries SET event = replace(event, 'no-grant', 'grant-active'), "
                + "event_hash = repeat('0', 64) WHERE topic = $1 AND log_partition = $2 AND log_offset = $3")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(altered.getString(0), altered.getInteger(1),
                        altered.getLong(2))).await().atMost(Duration.ofSeconds(10));
        assertTrue(given().auth().oauth2(operator).post("/audit/v1/verify").then().extract().jsonPath()
                .getString("firstBreak.problem").contains("hash"));

        // the index is only a projection: emptied and read again from the log, it is whole and the trail is back
        given().auth().oauth2(operator).post("/audit/v1/index/rebuild").then().statusCode(200);
        given().auth().oauth2(operator).post("/audit/v1/verify").then().statusCode(200).body("intact", equalTo(true));
        assertEquals(4, trail(operator, messageId).getList("steps").size());
    }

    @Test
    void aMunicipalityExportsWhatWasReceivedAndToWhomItWasDisclosedForOnePatient() {
        no.knutepunkt.model.identity.PatientPseudonym keys =
                new no.knutepunkt.model.identity.PatientPseudonym("local-development-secret-change-me");
        String vkpId = "Innsynleverandor_Alarm_" + ORGNR;
        String messageId = message(vkpId, true, keys.ofNationalId("14834540011"));
        publish(Topics.DELIVERY_OUTCOMES, EventEnvelope.create("knutepunkt/delivery-service",
                keys.ofNationalId("14834540011"), messageId, null, new no.knutepunkt.model.event.MessageJournaled(
                        messageId, ORGNR, "kommune-312229544-epj", Instant.now())));
        String admin = TOKENS.municipalityAdmin(ORGNR);
        String uri = "/audit/v1/municipalities/" + ORGNR + "/audit-events";
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertEquals(3, events(given().auth().oauth2(admin)
                .queryParam("patient", "14834540011").get(uri).then().statusCode(200).extract().jsonPath(), messageId)
                .size()));
        JsonPath export = given().auth().oauth2(admin).queryParam("patient", "14834540011").get(uri).then()
                .extract().jsonPath();
        List<Map<String, Object>> mine = events(export, messageId);
        assertEquals(List.of("rest", "110106", "110107"), mine.stream()
                .map(e -> ((Map<?, ?>) e.get("type")).get("code")).toList());
        String json = export.prettify();
        assertTrue(json.contains(vkpId), "who sent it");
        assertTrue(json.contains("https://epj.test/fhir"), "to whom it was disclosed");
        assertTrue(json.contains("kommune-312229544-epj"), "who took it into the record");
        assertFalse(json.contains("14834540011"), "the national id is asked by, never answered with");

        assertEquals(0, events(given().auth().oauth2(admin).queryParam("patient", "02913846098").get(uri).then()
                .statusCode(200).extract().jsonPath(), messageId).size());
        given().auth().oauth2(admin).queryParam("patient", "14834540012").get(uri).then().statusCode(400);
        given().auth().oauth2(TOKENS.municipalityAdmin("974760673")).get(uri).then().statusCode(403);
    }

    /** The AuditEvents of one message in an export. */
    static List<Map<String, Object>> events(JsonPath export, String messageId) {
        List<Map<String, Object>> all = export.getList("entry.resource");
        return all == null ? List.of() : all.stream().filter(r -> r.toString().contains(messageId)).toList();
    }

    JsonPath trail(String token, String messageId) {
        return given().auth().oauth2(token).get("/audit/v1/messages/" + messageId + "/trail").then().statusCode(200)
                .extract().jsonPath();
    }

    /** The events of one message's life, as the services write them: delivered, or denied. */
    String message(String vkpId, boolean allowed) {
        return message(vkpId, allowed, "ab".repeat(16));
    }

    String message(String vkpId, boolean allowed, String patient) {
        String messageId = UUID.randomUUID().toString();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Sender sender = new Sender(vkpId, "client");
        MessageReceived received = new MessageReceived(messageId, ORGNR, sender, "vkp-r4/bundle", MessageKind.ALARM,
                List.of("DetectedIssue"), patient, "0".repeat(64), "{\"resourceType\":\"Bundle\"}", t, null);
        EventEnvelope first = publish(Topics.MESSAGES_RECEIVED, EventEnvelope.create("knutepunkt/ingest-service",
                patient, messageId, null, received));
        if (!allowed) {
            publish(Topics.CONSENT_DECISIONS, EventEnvelope.causedBy(first, "knutepunkt/consent-service",
                    new MessageDenied(messageId, ORGNR, sender, "1.2", "no grant", "no-grant", null, t, null, null)));
            return messageId;
        }
        EventEnvelope authorized = publish(Topics.CONSENT_DECISIONS, EventEnvelope.causedBy(first,
                "knutepunkt/consent-service", new MessageAuthorized(messageId, ORGNR, sender, MessageKind.ALARM,
                        "grant-active", "g-1", 1, received.payload(), t.plusMillis(5))));
        EventEnvelope routed = publish(Topics.ROUTING_DECISIONS, EventEnvelope.causedBy(authorized,
                "knutepunkt/routing-service", new MessageRouted(messageId, ORGNR, MessageKind.ALARM,
                        new Destination("generic-fhir", "push", "https://epj.test/fhir", null), "municipality-route",
                        1, received.payload(), t.plusMillis(10), null, null)));
        EventData outcome = new MessageDelivered(messageId, ORGNR, "https://epj.test/fhir", 1, 200, t.plusMillis(50));
        publish(Topics.DELIVERY_OUTCOMES, EventEnvelope.causedBy(routed, "knutepunkt/delivery-service", outcome));
        return messageId;
    }

    EventEnvelope publish(String topic, EventEnvelope envelope) {
        new TopicProbe(bootstrap).publish(topic, envelope);
        return envelope;
    }
}
