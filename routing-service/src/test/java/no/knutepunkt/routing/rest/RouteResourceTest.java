package no.knutepunkt.routing.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.RouteRegistered;
import no.knutepunkt.model.event.MessageUnroutable;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The routing register and routing decisions, against the real broker and database. */
@QuarkusTest
class RouteResourceTest {

    static final String ROUTED = "312229544";
    static final String WITHOUT_ROUTE = "974760673";
    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void operatorsSetRoutesOnceAndMessagesFollowThem() {
        Map<String, String> route = Map.of("epjProduct", "generic-fhir", "mode", "push",
                "endpoint", "http://127.0.0.1:9/fhir");
        given().auth().oauth2(tokens.municipalityAdmin(ROUTED)).contentType(ContentType.JSON).body(route)
                .put("/routing/v1/routes/" + ROUTED).then().statusCode(403);
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON)
                .body(Map.of("epjProduct", "generic-fhir", "mode", "push", "endpoint", "ftp://x"))
                .put("/routing/v1/routes/" + ROUTED).then().statusCode(400);
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON).body(route)
                .put("/routing/v1/routes/" + ROUTED).then().statusCode(202);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(tokens.operator())
                .get("/routing/v1/routes/" + ROUTED).then().statusCode(200));
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON).body(route)
                .put("/routing/v1/routes/" + ROUTED).then().statusCode(200);

        MessageRouted routed = assertInstanceOf(MessageRouted.class, routeOf(authorize(ROUTED)));
        assertEquals("http://127.0.0.1:9/fhir", routed.destination().endpoint());
        assertEquals("municipality-route", routed.rule());
        assertEquals("{\"resourceType\":\"Bundle\"}", routed.payload());

        MessageUnroutable unroutable = assertInstanceOf(MessageUnroutable.class, routeOf(authorize(WITHOUT_ROUTE)));
        assertEquals("no route registered for municipality " + WITHOUT_ROUTE, unroutable.reason());
    }

    /** HelseID sends scope as a JSON array; the operator check read it as a String and answered 500. */
    @Test
    void anOperatorWhoseTokenCarriesScopeAsAnArrayIsServed() {
        var claims = tokens.baseClaims("nhn-operator", List.of());
        claims.put("scope", List.of("openid", no.knutepunkt.model.identity.HelseIdClaims.SCOPE_OPERATOR));
        given().auth().oauth2(tokens.sign(claims)).get("/routing/v1/routes").then().statusCode(200);
    }

    @Test
    void aPullRouteWithKindRulesGivesPriorityAndJournalTypePerKind() {
        String orgnr = "921234566";
        Map<String, Object> route = Map.of("epjProduct", "cosdoc", "mode", "pull", "credentialsRef", "cosdoc-921234566",
                "kinds", Map.of("ALARM", Map.of("priority", 0, "journalType", "VJ"),
                        "NOTE", Map.of("priority", 7, "journalType", "TJ")));
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON)
                .body(Map.of("epjProduct", "cosdoc", "mode", "pull", "kinds", Map.of("ALARM", Map.of("priority", 12))))
                .put("/routing/v1/routes/" + orgnr).then().statusCode(400);
        given().auth().oauth2(tokens.operator()).contentType(ContentType.JSON).body(route)
                .put("/routing/v1/routes/" + orgnr).then().statusCode(anyOf(equalTo(200), equalTo(202)));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(tokens.operator())
                .get("/routing/v1/routes/" + orgnr).then().statusCode(200).body("kinds.ALARM.journalType",
                        equalTo("VJ")).body("mode", equalTo("pull")));

        MessageRouted alarm = assertInstanceOf(MessageRouted.class, routeOf(authorize(orgnr, MessageKind.ALARM)));
        assertEquals("pull", alarm.destination().mode());
        assertEquals("cosdoc-921234566", alarm.destination().credentialsRef());
        assertEquals(0, alarm.priority());
        assertEquals("VJ", alarm.journalType());
        assertEquals("municipality-route/alarm", alarm.rule());
        MessageRouted dispense = assertInstanceOf(MessageRouted.class,
                routeOf(authorize(orgnr, MessageKind.MEDICATION_DISPENSE)));
        assertEquals(null, dispense.journalType());
        assertEquals(MessageKind.MEDICATION_DISPENSE.defaultPriority(), dispense.effectivePriority());
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool db;

    @Test
    void droppingTheRoutesAndReplayingTheRegisterRebuildsThemIdentically() {
        // thirty register events: ten municipalities, three versions each
        List<String> municipalities = new java.util.ArrayList<>();
        for (int m = 0; m < 10; m++) {
            String orgnr = Long.toString(800_000_000L + (long) (Math.random() * 99_999_999L));
            municipalities.add(orgnr);
            for (int v = 1; v <= 3; v++) {
                RouteRegistered event = new RouteRegistered(orgnr, v, new no.knutepunkt.model.event.Destination(
                        v == 3 ? "cosdoc" : "generic-fhir", v == 2 ? "both" : "push", "http://epj-" + m + ".test/fhir",
                        "ref-" + v), "nhn-operator", Instant.now(), v == 3 ? Map.of(MessageKind.ALARM,
                        new no.knutepunkt.model.event.KindRule(0, "VJ")) : Map.of());
                new TopicProbe(bootstrap).publish(Topics.ROUTING_REGISTER, EventEnvelope.create("test", orgnr, null,
                        null, event));
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String orgnr : municipalities) {
                given().auth().oauth2(tokens.operator()).get("/routing/v1/routes/" + orgnr).then().statusCode(200)
                        .body("version", equalTo(3));
            }
        });
        String live = given().auth().oauth2(tokens.operator()).get("/routing/v1/routes").then().statusCode(200)
                .extract().asString();

        db.query("DELETE FROM routes").execute().await().atMost(Duration.ofSeconds(10));
        given().auth().oauth2(tokens.operator()).get("/routing/v1/routes").then().body("size()", equalTo(0));
        given().auth().oauth2(tokens.municipalityAdmin(ROUTED)).post("/routing/v1/routes/projection/rebuild").then()
                .statusCode(403);
        given().auth().oauth2(tokens.operator()).post("/routing/v1/routes/projection/rebuild").then().statusCode(200)
                .body("events", org.hamcrest.Matchers.greaterThanOrEqualTo(30));
        assertEquals(sorted(live), sorted(given().auth().oauth2(tokens.operator()).get("/routing/v1/routes").then()
                .statusCode(200).extract().asString()));
        given().auth().oauth2(tokens.operator()).get("/routing/v1/routes/" + municipalities.get(0)).then()
                .body("epjProduct", equalTo("cosdoc")).body("kinds.ALARM.journalType", equalTo("VJ"));
    }

    /** The routes list in a fixed order, so that two projections compare by content. */
    static List<String> sorted(String json) {
        return io.restassured.path.json.JsonPath.from(json).getList("$", Map.class).stream()
                .map(Object::toString).sorted().toList();
    }

    EventEnvelope authorize(String orgnr) {
        return authorize(orgnr, MessageKind.ALARM);
    }

    EventEnvelope authorize(String orgnr, MessageKind kind) {
        String id = UUID.randomUUID().toString();
        MessageAuthorized authorized = new MessageAuthorized(id, orgnr, new Sender("V_S_" + orgnr, "c"),
                kind, "grant-active", "g", 1, "{\"resourceType\":\"Bundle\"}", Instant.now());
        EventEnvelope envelope = EventEnvelope.create("test", "fedcba9876543210fedcba9876543210", id, null, authorized);
        new TopicProbe(bootstrap).publish(Topics.CONSENT_DECISIONS, envelope);
        return envelope;
    }

    Object routeOf(EventEnvelope decision) {
        ConsumerRecord<String, String> record = new TopicProbe(bootstrap).await(Topics.ROUTING_DECISIONS,
                e -> decision.correlationid().equals(e.correlationid()), Duration.ofSeconds(20));
        assertNotNull(record);
        assertEquals(decision.subject(), record.key());
        return EventCodec.decode(record.value()).payload();
    }
}
