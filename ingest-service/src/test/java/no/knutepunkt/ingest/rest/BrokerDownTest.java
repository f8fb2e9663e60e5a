package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.ingest.Examples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** With no broker to store it, a message is not accepted: the vendor hears 504 with VKP code 3.1, and may retry. */
@QuarkusTest
@TestProfile(BrokerDownTest.NoBroker.class)
class BrokerDownTest {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:9", "KNUTEPUNKT_LOG_WRITE_TIMEOUT_MS", "1500", "KNUTEPUNKT_LOG_REQUEST_TIMEOUT_MS", "1000",
                    "KNUTEPUNKT_DEEP_VALIDATION", "false");
        }
    }

    @Test
    void noBrokerMeansNotAcceptedAndTheVendorIsToldToRetry() {
        String token = DevTokens.fromEnvironment().vendor("Testleverandor_Dispenser_312229544",
                List.of("nhn:vkp/api/user/bundle.write"));
        String body = Examples.fresh("01-medication-dispense-success.json");
        for (int attempt = 0; attempt < 2; attempt++) {
            // the retry gets the same answer: the idempotency claim of the failed attempt was released
            given().auth().oauth2(token).contentType("application/fhir+json").header("Prefer", "respond-async")
                    .body(body).post("/epj/r4/312229544/bundle")
                    .then().statusCode(504)
                    .body("issue[0].code", equalTo("timeout"))
                    .body("issue[0].details.coding[0].code", equalTo("3.1"));
        }
    }
}
