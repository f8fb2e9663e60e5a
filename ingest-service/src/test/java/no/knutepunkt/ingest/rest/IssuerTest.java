package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.event.EventCodec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Ingest against an OpenID provider as HelseID is one (discovery document, JWKS, keys of its own): started while the
 * provider is down (every request was a 500, readiness UP), then up, then rotating its signing key (a token under
 * the new key was refused for up to 10 minutes, until the JWKS was read again). Beside it a second issuer, NHN's
 * own, trusted for operators only: its tokens read what an operator may, and can never write as a vendor.
 */
@QuarkusTest
@TestProfile(IssuerTest.WithAnIssuer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IssuerTest {

    public static class WithAnIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StubIssuer.class));
        }
    }

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Utsteder_Leverandor_" + ORGNR;
    final HttpClient http = HttpClient.newHttpClient();

    @ConfigProperty(name = "knutepunkt.test.issuer")
    String issuer;

    String call(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(issuer + path)).POST(HttpRequest.BodyPublishers.ofString(
                EventCodec.mapper().writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    String token(String kid) throws Exception {
        return token(kid, kid);
    }

    String token(String kid, String key) throws Exception {
        return call("/sign?kid=" + kid + "&key=" + key, vendorClaims(issuer, "nhn:vkp"));
    }

    static Map<String, Object> vendorClaims(String iss, String audience) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", iss);
        claims.put("aud", audience);
        claims.put("client_id", "utsteder-klient");
        claims.put("client_amr", "private_key_jwt");
        claims.put("scope", List.of("nhn:vkp/api/user/bundle.write"));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 300);
        return claims;
    }

    /** A token of the second issuer (NHN's IdP), with the claims given on top of a vendor's, under {@code key}. */
    String nhnToken(String key, Map<String, Object> extra) throws Exception {
        Map<String, Object> claims = vendorClaims(issuer + StubIssuer.SECOND, "knutepunkt");
        claims.putAll(extra);
        return call("/sign?kid=" + StubIssuer.SECOND_KEY + "&key=" + key, claims);
    }

    Response status(String token, String location) {
        return given().auth().oauth2(token).accept("application/fhir+json").get(location);
    }

    Response write(String token) {
        return given().auth().oauth2(token).contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle");
    }

    @Test
    @Order(1)
    void whileTheIssuerCannotBeReachedWritesAreRefusedForNowAndTheServiceIsNotReady() throws Exception {
        Response r = write(token("k1"));
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("OperationOutcome", r.path("resourceType"));
        assertNotNull(r.header("Retry-After"));
        given().get("/q/health/ready").then().statusCode(503);
    }

    @Test
    @Order(2)
    void onceTheIssuerIsUpItsTokensAreAccepted() throws Exception {
        call("/control", Map.of("up", true));
        String token = token("k1");
        await().atMost(Duration.ofSeconds(30)).until(() -> write(token).statusCode() == 202);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    @Order(3)
    void aRotatedSigningKeyIsFoundAtOnceAndTheRefreshIsRateLimited() throws Exception {
        call("/control", Map.of("keys", List.of("k1", "k2")));
        int before = EventCodec.mapper().readTree(call("/control", Map.of())).path("jwksReads").asInt();
        String rotated = token("k2");
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> write(rotated).statusCode() == 202);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        int reads = EventCodec.mapper().readTree(call("/control", Map.of())).path("jwksReads").asInt() - before;
        System.out.printf("rotated key accepted after %d s, %d JWKS reads%n", seconds, reads);
        // a flood of tokens naming keys the issuer never had does not make a JWKS read each
        String unknown = token("k9", "k1");
        for (int i = 0; i < 20; i++) {
            assertEquals(401, write(unknown).statusCode());
        }
        int afterFlood = EventCodec.mapper().readTree(call("/control", Map.of())).path("jwksReads").asInt() - before;
        System.out.printf("after 20 forged tokens: %d JWKS reads%n", afterFlood);
        assertEquals(true, afterFlood <= reads + 2, "the refresh is rate-limited: " + afterFlood);

        // a second rotation, once the rate limit's interval (10 s) has passed, is found at once too (Quarkus' default
        // lets a forced refresh happen only every 10 minutes: the new key's tokens were refused until then)
        Thread.sleep(11_000);
        call("/control", Map.of("keys", List.of("k2", "k3")));
        String again = token("k3");
        long second = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> write(again).statusCode() == 202);
        System.out.printf("second rotation accepted after %d ms%n", (System.nanoTime() - second) / 1_000_000);
    }

    @Test
    @Order(4)
    void aSecondIssuerIsTrustedForWhatItIsConfiguredForAndNothingElse() throws Exception {
        Response sent = write(token("k3"));
        assertEquals(202, sent.statusCode(), sent.asString());
        String location = sent.header("Location");

        // NHN's operator, by the role its own IdP gives (a roles claim, not a scope), reads any vendor's message
        String operator = nhnToken(StubIssuer.SECOND_KEY, Map.of("roles", List.of("knutepunkt-operator")));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(operator, location).statusCode() == 200);

        // the same issuer's token filled in as a vendor's (scope, vkp-id, private_key_jwt) writes nothing
        Response asVendor = write(nhnToken(StubIssuer.SECOND_KEY, Map.of()));
        assertEquals(403, asVendor.statusCode(), asVendor.asString());
        assertEquals("issuer-trust", asVendor.path("issue[0].extension[0].valueString"), asVendor.asString());
        // nor reads as that vendor, though it names the sender's vkp-id: the message is unknown to it
        assertEquals(404, status(nhnToken(StubIssuer.SECOND_KEY, Map.of()), location).statusCode());

        // a token naming the second issuer but signed with the first one's key is verified by the second: refused
        assertEquals(401, status(nhnToken("k3", Map.of("roles", List.of("knutepunkt-operator"))), location)
                .statusCode());
        // HelseID's tokens still hold beside it
        assertEquals(200, status(token("k3"), location).statusCode());
    }
}
