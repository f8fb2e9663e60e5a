package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent copies of one message while the first copy's write to the log fails (here: a record over the producer's
 * limit, which this profile sets low). Duplicates used to be told 202 with a message id that was never stored, or got
 * a 500; each must wait for the first write and answer what it came to.
 */
@QuarkusTest
@TestProfile(LogWriteFailureTest.SmallRecords.class)
class LogWriteFailureTest {

    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.received.max.request.size", "20000");
        }
    }

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Stor_Sender_" + ORGNR;

    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    Response post(String body, String key) {
        return given().auth().oauth2(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/bundle.write")))
                .contentType("application/fhir+json").header("Idempotency-Key", key).body(body)
                .post("/epj/r4/" + ORGNR + "/bundle");
    }

    @Test
    void duplicatesOfAMessageThatCouldNotBeStoredHearTheSameRefusalAndARetryIsTakenAfresh() throws Exception {
        String key = UUID.randomUUID().toString();
        String tooLarge = Examples.fresh("01-medication-dispense-success.json").replace("\"Multidosepose, morgen\"",
                "\"" + "Multidosepose ".repeat(3_000) + "\"");
        long before = received();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<CompletableFuture<Response>> copies = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                copies.add(CompletableFuture.supplyAsync(() -> post(tooLarge, key), pool));
            }
            List<String> answers = new ArrayList<>();
            for (CompletableFuture<Response> copy : copies) {
                Response r = copy.get();
                answers.add(r.statusCode() + " " + r.path("issue[0].extension[0].valueString"));
            }
            // a permanent refusal, never a timeout, and the same for every copy
            assertEquals(List.of("413 log-record-size"), answers.stream().distinct().toList(), answers.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before, received(), "nothing of it is on the log");

        // the key was released, not kept as an answer: a retry with a body that fits is taken as a new message
        Response fits = post(Examples.fresh("01-medication-dispense-success.json"), key);
        assertEquals(202, fits.statusCode(), fits.asString());
        String messageId = fits.header("X-Message-Id");
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/bundle.write")))
                .get("/v1/Bundle/" + messageId + "/$status").then().statusCode(200);
        assertTrue(received() > before);
    }

    long received() {
        return new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED), Duration.ofSeconds(2)).size();
    }
}
