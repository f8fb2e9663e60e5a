package no.knutepunkt.consent.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static no.knutepunkt.consent.Traffic.ORGNR;
import static no.knutepunkt.consent.Traffic.TOKENS;
import static no.knutepunkt.consent.Traffic.decisionFor;
import static no.knutepunkt.consent.Traffic.grant;
import static no.knutepunkt.consent.Traffic.grants;
import static no.knutepunkt.consent.Traffic.newSender;
import static no.knutepunkt.consent.Traffic.send;
import static no.knutepunkt.consent.Traffic.terms;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The register API and the decisions it leads to, against the real broker and database. */
@QuarkusTest
class GrantResourceTest {

    static final String OTHER_MUNICIPALITY = "974760673";

    String admin() {
        return TOKENS.municipalityAdmin(ORGNR);
    }

    @Test
    void aGrantDecidesUntilRevokedAndEveryDecisionAndVersionCanBeExplained() throws Exception {
        String vkpId = newSender();
        Instant beforeGrant = Instant.now();
        Thread.sleep(5);
        String grantId = grant(vkpId).statusCode(201).body("version", equalTo(1)).extract().path("grantId");

        MessageAuthorized first = (MessageAuthorized) decisionFor(send(vkpId));
        assertEquals(grantId, first.grantId());
        assertEquals(1, first.grantVersion());

        // amend: a second version with a wider scope, guarded by the version the administrator saw
        Map<String, Object> wider = terms(vkpId);
        wider.put("scopes", List.of("nhn:vkp/api/user/bundle.write", "nhn:vkp/api/user/careplan.read"));
        wider.put("serviceCodes", List.of("ta", "GPS"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).header("If-Match", "\"7\"").body(wider)
                .put(grants(ORGNR) + "/" + grantId).then().statusCode(412);
        given().auth().oauth2(admin()).contentType(ContentType.JSON).header("If-Match", "\"1\"").body(wider)
                .put(grants(ORGNR) + "/" + grantId).then().statusCode(200).body("version", equalTo(2));
        MessageAuthorized second = (MessageAuthorized) decisionFor(send(vkpId));
        assertEquals(2, second.grantVersion());
        Instant whileAmended = Instant.now();
        Thread.sleep(5);

        // revoke: in force when answered, so the very next message is denied
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of()).post(grants(ORGNR) + "/"
                + grantId + "/revoke").then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("reason", "avtalen er sagt opp"))
                .post(grants(ORGNR) + "/" + grantId + "/revoke").then().statusCode(200).body("version", equalTo(3));
        var next = send(vkpId);
        MessageDenied denied = (MessageDenied) decisionFor(next);
        assertEquals("1.1", denied.vkpCode());
        assertEquals("grant-revoked", denied.rule());
        assertEquals(grantId, denied.grantId());
        assertEquals(3, denied.grantVersion());
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(wider).put(grants(ORGNR) + "/" + grantId)
                .then().statusCode(409);

        // the full history: who changed what, when
        JsonPath history = given().auth().oauth2(admin()).get(grants(ORGNR) + "/" + grantId + "/history").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("granted", "amended", "revoked"), history.getList("change"));
        assertEquals(List.of(1, 2, 3), history.getList("version"));
        assertEquals(List.of("active", "active", "revoked"), history.getList("state"));
        assertEquals(List.of("TA", "GPS"), history.getList("serviceCodes[1]"));
        assertEquals("avtalen er sagt opp", history.getString("revokeReason[2]"));
        assertNotNull(history.getString("changedBy[2]"));

        // each decision explained with the version it rested on
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(admin())
                .get("/consent/v1/municipalities/" + ORGNR + "/decisions/" + next.correlationid()).then()
                .statusCode(200).body("decision.decision", equalTo("deny")).body("decision.rule", equalTo("grant-revoked"))
                .body("grant.version", equalTo(3)).body("grant.state", equalTo("revoked")));
        given().auth().oauth2(TOKENS.operator()).get("/consent/v1/municipalities/" + ORGNR + "/decisions/"
                + first.messageId()).then().statusCode(200).body("decision.decision", equalTo("allow"))
                .body("grant.version", equalTo(1)).body("grant.legalBasis", equalTo(terms(vkpId).get("legalBasis")));
        given().auth().oauth2(admin()).queryParam("vkpId", vkpId).get("/consent/v1/municipalities/" + ORGNR
                + "/decisions").then().statusCode(200).body("size()", equalTo(3));

        // as of a time between grant and revocation: allow, on version 2; after: deny, on version 3; before: no grant
        evaluate(vkpId, whileAmended).body("decision", equalTo("allow")).body("grantVersion", equalTo(2))
                .body("grant.state", equalTo("active"));
        evaluate(vkpId, Instant.now()).body("decision", equalTo("deny")).body("rule", equalTo("grant-revoked"))
                .body("grantVersion", equalTo(3)).body("vkpCode", equalTo("1.1"));
        evaluate(vkpId, beforeGrant).body("decision", equalTo("deny")).body("rule", equalTo("no-grant"));
        // a read as of then: careplan with TA was granted by version 2, DHO never was
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("vkpId", vkpId, "resource", "careplan",
                "access", "read", "serviceCodes", List.of("TA"), "at", whileAmended.toString()))
                .post("/consent/v1/municipalities/" + ORGNR + "/evaluate").then().statusCode(200)
                .body("decision", equalTo("allow"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("vkpId", vkpId, "resource", "careplan",
                "access", "read", "serviceCodes", List.of("DHO"), "at", whileAmended.toString()))
                .post("/consent/v1/municipalities/" + ORGNR + "/evaluate").then().statusCode(200)
                .body("rule", equalTo("grant-service-code"));
    }

    io.restassured.response.ValidatableResponse evaluate(String vkpId, Instant at) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("vkpId", vkpId, "resource", "bundle", "access", "write", "at", at.toString()))
                .post("/consent/v1/municipalities/" + ORGNR + "/evaluate").then().statusCode(200);
    }

    @Test
    void administeringAnotherMunicipalityIsForbiddenAndChangesNothing() {
        String vkpId = newSender();
        String grantId = grant(vkpId).statusCode(201).extract().path("grantId");
        String other = TOKENS.municipalityAdmin(OTHER_MUNICIPALITY);
        String path = grants(ORGNR) + "/" + grantId;

        given().auth().oauth2(other).contentType(ContentType.JSON).body(terms(newSender())).post(grants(ORGNR))
                .then().statusCode(403).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("1.4"));
        given().auth().oauth2(other).contentType(ContentType.JSON).body(terms(vkpId)).put(path).then().statusCode(403);
        given().auth().oauth2(other).contentType(ContentType.JSON).body(Map.of("reason", "x")).post(path + "/revoke")
                .then().statusCode(403);
        given().auth().oauth2(other).contentType(ContentType.JSON)
                .body(Map.of("nationalId", "14834540011", "reason", "x"))
                .post("/consent/v1/municipalities/" + ORGNR + "/restrictions").then().statusCode(403);
        given().auth().oauth2(other).get(grants(ORGNR)).then().statusCode(403);
        given().auth().oauth2(other).get(path + "/history").then().statusCode(403);
        given().auth().oauth2(other).contentType(ContentType.JSON).body(Map.of("vkpId", vkpId, "resource", "bundle"))
                .post("/consent/v1/municipalities/" + ORGNR + "/evaluate").then().statusCode(403);
        // an operator reads everything and changes nothing; without a token nothing at all
        given().auth().oauth2(TOKENS.operator()).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .post(path + "/revoke").then().statusCode(403);
        given().contentType(ContentType.JSON).body(terms(vkpId)).post(grants(ORGNR)).then().statusCode(401);

        given().auth().oauth2(TOKENS.operator()).get(path + "/history").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].state", equalTo("active"));
        given().auth().oauth2(TOKENS.operator()).get("/consent/v1/grants").then().statusCode(200)
                .body("grantId", hasItem(grantId));
        given().auth().oauth2(TOKENS.operator()).get(grants(ORGNR)).then().statusCode(200)
                .body("findAll { it.vkpId == '" + vkpId + "' }.size()", equalTo(1));
    }

    /** IdentityServer-based issuers (HelseID) send scope as a JSON array; it answered 500 (a cast to String). */
    @Test
    void anAdministratorWhoseTokenCarriesScopeAsAnArrayIsServed() {
        var claims = TOKENS.baseClaims("kommune-" + ORGNR + "-admin", List.of());
        claims.put("scope", List.of("openid", no.knutepunkt.model.identity.HelseIdClaims.SCOPE_CONSENT_ADMIN));
        claims.put(no.knutepunkt.model.identity.HelseIdClaims.ORGNR_PARENT, ORGNR);
        given().auth().oauth2(TOKENS.sign(claims)).get(grants(ORGNR)).then().statusCode(200);
        claims.put("scope", List.of("openid"));
        given().auth().oauth2(TOKENS.sign(claims)).get(grants(ORGNR)).then().statusCode(403);
    }

    @Test
    void aVendorListsTheGrantsNamingItsOwnVkpIdAndNoOthers() {
        String vkpId = newSender();
        String grantId = grant(vkpId).statusCode(201).extract().path("grantId");
        String vendor = TOKENS.vendor(vkpId, List.of("nhn:vkp/api/user/bundle.write"));
        given().auth().oauth2(vendor).get("/consent/v1/senders/" + vkpId + "/grants").then().statusCode(200)
                .body("grantId", equalTo(List.of(grantId)));
        given().auth().oauth2(vendor).get("/consent/v1/senders/" + newSender() + "/grants").then().statusCode(403);
        given().auth().oauth2(vendor).get(grants(ORGNR)).then().statusCode(403);
        given().auth().oauth2(vendor).get("/consent/v1/grants").then().statusCode(403);
    }

    @Test
    void badTermsAreRefusedWithTheRuleThatRefusedThem() {
        Map<String, Object> t = terms(newSender());
        t.put("scopes", List.of("bundle.write"));
        grant(t).statusCode(400).body("issue[0].extension[0].valueString", equalTo("grant-scopes"));
        t = terms(newSender());
        t.put("serviceCodes", List.of("XX"));
        grant(t).statusCode(400);
        t = terms(newSender());
        t.put("validFrom", "2026-01-01T00:00:00Z");
        t.put("validTo", "2025-01-01T00:00:00Z");
        grant(t).statusCode(400);
        t = terms(newSender());
        t.remove("legalBasis");
        grant(t).statusCode(400).body("issue[0].details.coding[0].code", equalTo("2"));
    }

    @Test
    void aGrantEndingWithinThirtyDaysIsMarkedAndAnnouncedOnce() throws Exception {
        String vkpId = newSender();
        Map<String, Object> t = terms(vkpId);
        t.put("validTo", Instant.now().plus(Duration.ofDays(10)).toString());
        String grantId = grant(t).statusCode(201).extract().path("grantId");
        String later = grant(newSender()).statusCode(201).extract().path("grantId");
        given().auth().oauth2(admin()).get(grants(ORGNR)).then()
                .body("find { it.grantId == '" + grantId + "' }.expiresSoon", equalTo(true))
                .body("find { it.grantId == '" + later + "' }.expiresSoon", equalTo(false));
        var warned = new no.knutepunkt.cli.TopicProbe(no.knutepunkt.consent.Traffic.bootstrap()).await(
                no.knutepunkt.model.kafka.Topics.CONSENT_GRANTS,
                e -> e.type().equals("no.knutepunkt.consent.expiry-warned.v1") && grantId.equals(e.correlationid()),
                Duration.ofSeconds(20));
        assertNotNull(warned, "an expiry warning was published");
        var event = (no.knutepunkt.model.event.AccessExpiryWarned) no.knutepunkt.model.event.EventCodec
                .decode(warned.value()).payload();
        assertEquals(1, event.version());
        assertEquals(vkpId, event.vkpId());
        // the check runs every second in tests: still one announcement for this version a few checks later
        Thread.sleep(3000);
        long announcements = new no.knutepunkt.cli.TopicProbe(no.knutepunkt.consent.Traffic.bootstrap())
                .readAll(List.of(no.knutepunkt.model.kafka.Topics.CONSENT_GRANTS), Duration.ofSeconds(2)).stream()
                .map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value()))
                .filter(e -> e.type().endsWith("expiry-warned.v1") && grantId.equals(e.correlationid())).count();
        assertEquals(1, announcements);
    }
}
