package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.ingest.Examples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client over its rate hears 429 with Retry-After; another client is not affected. */
@QuarkusTest
@TestProfile(RateLimitTest.Tight.class)
class RateLimitTest {

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.limits.per-client-per-second", "1", "ingest.limits.per-client-burst", "3");
        }
    }

    final DevTokens tokens = DevTokens.fromEnvironment();

    Response post(String vkpId) {
        return given().auth().oauth2(tokens.vendor(vkpId, List.of("nhn:vkp/api/user/bundle.write")))
                .contentType("application/fhir+json").header("Prefer", "respond-async")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/312229544/bundle");
    }

    @Test
    void aFloodingClientIsThrottledAlone() throws Exception {
        int throttled = 0;
        int accepted = 0;
        long start = System.nanoTime();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<Response>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(pool.submit(() -> post("Flom_System_312229544")));
        }
        pool.shutdown();
        for (var future : sent) {
            Response r = future.get();
            if (r.statusCode() == 429) {
                throttled++;
                assertNotNull(r.header("Retry-After"));
                assertEquals("throttled", r.path("issue[0].code"));
                assertEquals("3", r.path("issue[0].details.coding[0].code"));
            } else {
                assertEquals(202, r.statusCode());
                accepted++;
            }
        }
        // the burst of 3, plus one a second for however long the twelve took on this machine
        long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
        assertTrue(accepted <= 3 + seconds, accepted + " accepted in about " + seconds + " s");
        assertTrue(throttled >= 2, "the burst is 3 and the rate 1/s: twelve at once are not all let through");
        assertEquals(202, post("Rolig_System_312229544").statusCode());
    }
}
