package no.knutepunkt.delivery.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An EPJ that fetches: its inbox, paging, acknowledgement, and nothing of other municipalities. */
@QuarkusTest
class EpjInboxResourceTest {

    static final DevTokens TOKENS = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void anEpjPullsPagesAndAcknowledgesAndAnotherMunicipalitySeesNone() {
        String orgnr = Long.toString(900_000_000L + (long) (Math.random() * 99_999_999L));
        String epj = TOKENS.epj(orgnr);
        String other = TOKENS.epj("974760673");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MessageRouted routed = new MessageRouted(UUID.randomUUID().toString(), orgnr, MessageKind.ALARM,
                    new Destination("gerica", "pull", null, null), "municipality-route", 1,
                    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"id\":\"b" + i + "\"}", Instant.now(), null,
                    null);
            new TopicProbe(bootstrap).publish(Topics.ROUTING_DECISIONS,
                    EventEnvelope.create("test", "p" + i + "0".repeat(31), routed.messageId(), null, routed));
            ids.add(routed.messageId());
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(3, inbox(epj, "?pending=true")
                .getList("entry").size()));

        // two pages of two and one, by the cursor in the next link
        JsonPath first = inbox(epj, "?_count=2");
        assertEquals("searchset", first.getString("type"));
        assertEquals(List.of("urn:uuid:" + ids.get(0), "urn:uuid:" + ids.get(1)), first.getList("entry.fullUrl"));
        assertEquals("Bundle", first.getString("entry[0].resource.resourceType"));
        String next = first.getString("link.find { it.relation == 'next' }.url");
        assertNotNull(next);
        assertEquals(List.of("urn:uuid:" + ids.get(2)), inbox(epj, next.substring(next.indexOf('?'))).getList("entry.fullUrl"));

        // another municipality's EPJ sees none of them and cannot acknowledge them; a vendor cannot read the inbox
        assertTrue(inbox(other, "").getList("entry").stream().noneMatch(e -> ids.stream()
                .anyMatch(id -> e.toString().contains(id))));
        given().auth().oauth2(other).post("/v1/epj/messages/" + ids.get(0) + "/$journaling-acknowledged").then()
                .statusCode(404);
        given().auth().oauth2(TOKENS.vendor("V_S_" + orgnr, List.of("nhn:vkp/api/user/bundle.write")))
                .get("/v1/epj/messages").then().statusCode(403);

        // acknowledged: journaled on the log, and out of the pending list; acknowledging again changes nothing
        given().auth().oauth2(epj).post("/v1/epj/messages/" + ids.get(0) + "/$journaling-acknowledged").then()
                .statusCode(200);
        given().auth().oauth2(epj).post("/v1/epj/messages/" + ids.get(0) + "/$journaling-acknowledged").then()
                .statusCode(200);
        ConsumerRecord<String, String> journaled = new TopicProbe(bootstrap).await(Topics.DELIVERY_OUTCOMES,
                e -> ids.get(0).equals(e.correlationid()) && e.type().endsWith("journaled.v1"), Duration.ofSeconds(10));
        assertNotNull(journaled);
        MessageJournaled event = (MessageJournaled) EventCodec.decode(journaled.value()).payload();
        assertEquals(orgnr, event.orgnr());
        assertEquals("p0" + "0".repeat(31), journaled.key(), "keyed by the patient, like the rest of its life");
        List<Object> pending = inbox(epj, "?pending=true").getList("entry.fullUrl");
        assertFalse(pending.contains("urn:uuid:" + ids.get(0)));
        assertEquals(2, pending.size());
        long events = new TopicProbe(bootstrap).readAll(List.of(Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(1))
                .stream().map(r -> EventCodec.decode(r.value()))
                .filter(e -> ids.get(0).equals(e.correlationid()) && e.type().endsWith("journaled.v1")).count();
        assertEquals(1, events, "one journaled event for two acknowledgements");
    }

    static JsonPath inbox(String token, String query) {
        return given().auth().oauth2(token).get("/v1/epj/messages" + query).then().statusCode(200).extract()
                .jsonPath();
    }
}
