package no.knutepunkt.consent.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The register API and the decisions, against the real broker and database. */
@QuarkusTest
class GrantResourceTest {

    static final String ORGNR = "312229544";
    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    String grantsUrl(String orgnr) {
        return "/consent/v1/municipalities/" + orgnr + "/grants";
    }

    String createGrant(String vkpId) {
        return given().auth().oauth2(tokens.municipalityAdmin(ORGNR)).contentType(ContentType.JSON)
                .body(Map.of("vkpId", vkpId, "vendor", "Testleverandor", "system", "Dispenser",
                        "scopes", List.of("nhn:vkp/api/user/bundle.write"), "legalBasis", "hol. § 3-2"))
                .post(grantsUrl(ORGNR)).then().statusCode(201).extract().path("grantId");
    }

    @Test
    void onlyTheMunicipalitysOwnAdministratorChangesItsGrants() {
        Map<String, Object> grant = Map.of("vkpId", "X_Y_" + ORGNR, "scopes", List.of("nhn:vkp/api/user/bundle.write"),
                "legalBasis", "test");
        given().auth().oauth2(tokens.municipalityAdmin("974760673")).contentType(ContentType.JSON).body(grant)
                .post(grantsUrl(ORGNR)).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON).body(grant)
                .post(grantsUrl(ORGNR)).then().statusCode(403);
        given().auth().oauth2(tokens.vendor("X_Y_" + ORGNR, List.of("nhn:vkp/api/user/bundle.write")))
                .get(grantsUrl(ORGNR)).then().statusCode(403);
        given().contentType(ContentType.JSON).body(grant).post(grantsUrl(ORGNR)).then().statusCode(401);
        given().auth().oauth2(tokens.municipalityAdmin(ORGNR)).contentType(ContentType.JSON)
                .body(Map.of("vkpId", "X_Y_" + ORGNR)).post(grantsUrl(ORGNR)).then().statusCode(400)
                .body("issue[0].details.coding[0].code", equalTo("2"));
    }

    @Test
    void grantedSenderIsAuthorizedRevokedSenderDeniedUnknownSenderDenied() {
        String vkpId = "Testleverandor_" + UUID.randomUUID().toString().substring(0, 8) + "_" + ORGNR;
        String grantId = createGrant(vkpId);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(tokens.operator())
                .get(grantsUrl(ORGNR)).then().statusCode(200).body("grantId", hasItem(grantId)));

        MessageAuthorized authorized = (MessageAuthorized) decisionFor(send(vkpId));
        assertEquals(grantId, authorized.grantId());
        assertEquals("grant-active", authorized.rule());
        assertNotNull(authorized.payload());

        given().auth().oauth2(tokens.municipalityAdmin(ORGNR)).contentType(ContentType.JSON)
                .body(Map.of("reason", "avtalen er sagt opp")).post(grantsUrl(ORGNR) + "/" + grantId + "/revoke")
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(tokens.operator())
                .get(grantsUrl(ORGNR)).then().body("find { it.grantId == '" + grantId + "' }.state",
                        equalTo("revoked")));
        MessageDenied revoked = (MessageDenied) decisionFor(send(vkpId));
        assertEquals("1.1", revoked.vkpCode());
        assertEquals("grant-revoked", revoked.rule());
        assertEquals(grantId, revoked.grantId());

        MessageDenied unknown = (MessageDenied) decisionFor(send("Ukjent_System_" + ORGNR));
        assertEquals("1.2", unknown.vkpCode());
        assertEquals("no-grant", unknown.rule());
    }

    EventEnvelope send(String vkpId) {
        String messageId = UUID.randomUUID().toString();
        MessageReceived received = new MessageReceived(messageId, ORGNR, new Sender(vkpId, "client"), "vkp-r4",
                MessageKind.MEDICATION_DISPENSE, List.of("MedicationDispense"), null, "0123456789abcdef0123456789abcdef",
                "0".repeat(64), "{\"resourceType\":\"Bundle\"}", Instant.now().truncatedTo(ChronoUnit.MICROS), null);
        EventEnvelope envelope = EventEnvelope.create("test", received.patientKey(), messageId, null, received);
        new TopicProbe(bootstrap).publish(Topics.MESSAGES_RECEIVED, envelope);
        return envelope;
    }

    Object decisionFor(EventEnvelope received) {
        ConsumerRecord<String, String> record = new TopicProbe(bootstrap).await(Topics.CONSENT_DECISIONS,
                e -> received.correlationid().equals(e.correlationid()), Duration.ofSeconds(20));
        assertNotNull(record, "a decision was published");
        EventEnvelope decision = no.knutepunkt.model.event.EventCodec.decode(record.value());
        assertEquals(received.id(), decision.causationid());
        assertEquals(received.subject(), record.key());
        return decision.payload();
    }
}
