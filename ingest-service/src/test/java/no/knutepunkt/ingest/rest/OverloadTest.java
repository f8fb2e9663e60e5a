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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Past its bound of writes in flight, ingest refuses at once with 503 and Retry-After, stores nothing of the refused
 * write, and takes writes again as soon as there is room.
 */
@QuarkusTest
@TestProfile(OverloadTest.TwoAtOnce.class)
class OverloadTest {

    public static class TwoAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no consent-service runs beside this test: a write that waits for its decision stays in flight 3 s
            return Map.of("ingest.limits.max-in-flight", "2", "ingest.decision-wait", "3s",
                    "ingest.limits.overload-retry-after", "4s", "KNUTEPUNKT_DEEP_VALIDATION", "false");
        }
    }

    static final String ORGNR = "312229544";

    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    Response post(String vkpId, String body, boolean waitForDecision) {
        var request = given().auth().oauth2(tokens.vendor(vkpId, List.of("nhn:vkp/api/user/bundle.write")))
                .contentType("application/fhir+json");
        return (waitForDecision ? request : request.header("Prefer", "respond-async"))
                .body(body).post("/epj/r4/" + ORGNR + "/bundle");
    }

    static double inFlight() {
        return given().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("knutepunkt_ingest_writes_in_flight "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    long received() {
        return new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED), Duration.ofSeconds(2)).size();
    }

    @Test
    void pastItsBoundIngestRefusesAtOnceStoresNothingAndTakesWritesAgainWhenThereIsRoom() throws Exception {
        String vendor = "Travel_Dispenser_" + ORGNR;
        long before = received();
        List<CompletableFuture<Response>> waiting = List.of(
                CompletableFuture.supplyAsync(() -> post(vendor, Examples.fresh("01-medication-dispense-success.json"), true)),
                CompletableFuture.supplyAsync(() -> post(vendor, Examples.fresh("01-medication-dispense-success.json"), true)));
        // both are waiting for a decision that does not come within the 3 s
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (inFlight() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, inFlight(), "the gauge shows the two writes in flight");

        String refusedBody = Examples.fresh("01-medication-dispense-success.json");
        // the Bundle.identifier, which the received event carries in the clear
        String marker = refusedBody.replaceAll("(?s).*\"value\": \"urn:uuid:([0-9a-f-]{36})\".*", "$1");
        long start = System.nanoTime();
        Response refused = post("Annen_Dispenser_" + ORGNR, refusedBody, false);
        long refusedInMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, refused.statusCode(), refused.asString());
        assertEquals("4", refused.header("Retry-After"));
        assertEquals("transient", refused.path("issue[0].code"));
        assertEquals("3", refused.path("issue[0].details.coding[0].code"));
        assertEquals(false, refused.asString().contains(marker), "the refusal does not echo the message");
        // not after the two in flight: at once (well inside their 3 s wait)
        assertTrue(refusedInMillis < 1500, "refused after " + refusedInMillis + " ms");
        System.out.println("overload: refused in " + refusedInMillis + " ms with two writes in flight");

        for (CompletableFuture<Response> w : waiting) {
            assertEquals(202, w.get().statusCode(), "the writes in flight are answered as usual");
        }
        assertEquals(before + 2, received(), "only the two writes in flight reached the log");

        // room again: the same message, sent again as the Retry-After says, is accepted
        Response retried = post("Annen_Dispenser_" + ORGNR, refusedBody, false);
        assertEquals(202, retried.statusCode(), retried.asString());
        String retriedId = retried.header("X-Message-Id");
        assertTrue(new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED), Duration.ofSeconds(2))
                .stream().anyMatch(r -> r.value().contains(retriedId)), "the retry is on the log");
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("knutepunkt_ingest_writes_refused_overloaded_total")
                && !l.endsWith(" 0.0")), "the refusal is counted");
    }
}
