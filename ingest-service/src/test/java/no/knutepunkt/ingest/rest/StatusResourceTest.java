package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The sender follows delivery: each failed attempt with the next one planned, then delivered and journaled. */
@QuarkusTest
class StatusResourceTest {

    static final String ORGNR = "312229544";

    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool db;

    @Test
    void theStatusShowsTheNextPlannedAttemptUntilDeliveredAndThenJournaled() {
        String token = tokens.vendor("Statusleverandor_Dispenser_" + ORGNR, List.of("nhn:vkp/api/user/bundle.write"));
        Response posted = given().auth().oauth2(token).contentType("application/fhir+json")
                .header("Prefer", "respond-async").body(Examples.fresh("01-medication-dispense-success.json"))
                .post("/epj/r4/" + ORGNR + "/bundle");
        posted.then().statusCode(202);
        String messageId = posted.header("X-Message-Id");
        String status = posted.header("Location");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant next = now.plusSeconds(30);

        publish(messageId, new DeliveryAttemptFailed(messageId, ORGNR, "https://epj.test/fhir", 2, "HTTP 503 from EPJ",
                next, now));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(token).get(status).then()
                .statusCode(200).body("attempts", equalTo(2)).body("nextAttempt", equalTo(next.toString()))
                .body("lastError", equalTo("HTTP 503 from EPJ")));

        publish(messageId, new MessageDelivered(messageId, ORGNR, "https://epj.test/fhir", 3, 200, now.plusSeconds(31)));
        publish(messageId, new MessageJournaled(messageId, ORGNR, "kommune-epj", now.plusSeconds(90)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(token).get(status).then()
                .statusCode(200).body("state", equalTo("journaled")).body("attempts", equalTo(3))
                .body("nextAttempt", nullValue()).body("journaled", equalTo(now.plusSeconds(90).toString())));
    }

    @Test
    void theStatusesAndIdempotencyClaimsComeBackWholeFromTheLogAfterTheyAreLost() {
        String token = tokens.vendor("Gjenoppbyggingsleverandor_Dispenser_" + ORGNR,
                List.of("nhn:vkp/api/user/bundle.write"));
        String body = Examples.fresh("01-medication-dispense-success.json");
        String key = "rebuild-" + Instant.now();
        Response posted = given().auth().oauth2(token).contentType("application/fhir+json")
                .header("Prefer", "respond-async").header("Idempotency-Key", key)
                .body(body).post("/epj/r4/" + ORGNR + "/bundle");
        posted.then().statusCode(202);
        String messageId = posted.header("X-Message-Id");
        String status = posted.header("Location");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        publish(messageId, new MessageDelivered(messageId, ORGNR, "https://epj.test/fhir", 2, 200, now));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(token).get(status).then()
                .statusCode(200).body("state", equalTo("delivered")).body("validation.errors", equalTo(0)));
        String before = given().auth().oauth2(token).get(status).then().extract().asString();

        // the database loses both: the status and the claim are facts of the log, and come back from it
        db.query("DELETE FROM message_status").execute().await().atMost(Duration.ofSeconds(10));
        db.query("DELETE FROM idempotency_claim").execute().await().atMost(Duration.ofSeconds(10));
        given().auth().oauth2(token).get(status).then().statusCode(404);
        given().auth().oauth2(token).post("/ingest/v1/status/projection/rebuild").then().statusCode(403);
        given().auth().oauth2(tokens.operator()).post("/ingest/v1/status/projection/rebuild").then().statusCode(200)
                .body("messages", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        org.junit.jupiter.api.Assertions.assertEquals(before,
                given().auth().oauth2(token).get(status).then().statusCode(200).extract().asString());
        // a retry with the same key is still the same message
        given().auth().oauth2(token).contentType("application/fhir+json").header("Prefer", "respond-async")
                .header("Idempotency-Key", key).body(body).post("/epj/r4/" + ORGNR + "/bundle").then().statusCode(202)
                .header("X-Message-Id", equalTo(messageId));
    }

    void publish(String messageId, EventData data) {
        new TopicProbe(bootstrap).publish(Topics.DELIVERY_OUTCOMES,
                EventEnvelope.create("test", "0".repeat(32), messageId, null, data));
    }
}
