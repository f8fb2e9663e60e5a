package no.knutepunkt.delivery.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.epj.EpjStandin;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delivery queue against a real HTTP EPJ stand-in, over the real broker and database. */
@QuarkusTest
class DeliveryQueueTest {

    static final DevTokens TOKENS = DevTokens.fromEnvironment();
    static final String DISPENSE_ID = "urn:uuid:69032b11-d99a-4102-a5cb-5f3272afd4f3";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "delivery.breaker-threshold")
    int breakerThreshold;
    @ConfigProperty(name = "delivery.first-backoff")
    Duration firstBackoff;

    EpjStandin epj;
    /** Each test its own municipality, so that pauses and inboxes do not meet. */
    String orgnr;

    @BeforeEach
    void startEpj() throws Exception {
        epj = new EpjStandin("127.0.0.1", 0, null);
        orgnr = Long.toString(900_000_000L + (long) (Math.random() * 99_999_999L));
    }

    @AfterEach
    void stopEpj() {
        epj.close();
    }

    @Test
    void anEpjDownThenHangingLosesNothingKeepsEachPatientsOrderAndIsProbedNotFlooded() throws Exception {
        epj.behave(new EpjStandin.Behaviour("fail", 503, 0));
        Map<String, List<String>> sentByPatient = new LinkedHashMap<>();
        List<String> messageIds = new ArrayList<>();
        Instant down = Instant.now();
        for (int i = 0; i < 4; i++) {
            for (String patient : List.of("aa", "bb", "cc")) {
                String dispense = "urn:uuid:" + UUID.randomUUID();
                sentByPatient.computeIfAbsent(patient, p -> new ArrayList<>()).add(dispense);
                messageIds.add(route(routed(dispense(dispense), MessageKind.MEDICATION_DISPENSE, "push"),
                        patient.repeat(16)).correlationid());
            }
        }
        Thread.sleep(3000);
        epj.behave(new EpjStandin.Behaviour("hang", 0, 5000));
        Thread.sleep(3000);
        epj.behave(new EpjStandin.Behaviour("ok", 200, 0));
        double outageSeconds = Duration.between(down, Instant.now()).toMillis() / 1000.0;

        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes(messageIds, MessageDelivered.class).size()
                == messageIds.size());
        List<String> arrived = epj.list("MedicationDispense").stream()
                .map(r -> r.path("identifier").path(0).path("value").asText()).toList();
        for (List<String> sent : sentByPatient.values()) {
            assertEquals(sent, arrived.stream().filter(sent::contains).toList(), "one patient's order");
        }
        assertEquals(messageIds.size(), arrived.stream().distinct().count(), "each message once in the EPJ");

        // while the EPJ was down: a few failures open the circuit, then one probe per open period at most
        long failedAttempts = outcomes(messageIds, DeliveryAttemptFailed.class).size();
        double bound = breakerThreshold + outageSeconds / (firstBackoff.toMillis() / 1000.0) + 1;
        System.out.printf("EPJ down %.1f s for %d messages: %d failed attempts (bound %.0f)%n", outageSeconds,
                messageIds.size(), failedAttempts, bound);
        assertTrue(failedAttempts >= breakerThreshold, "the outage was noticed");
        assertTrue(failedAttempts <= bound, failedAttempts + " attempts during the outage");
    }

    @Test
    void aPausedEpjReceivesNothingQuietlyThenAlarmsGoFirstOnResume() throws Exception {
        String admin = TOKENS.municipalityAdmin(orgnr);
        given().auth().oauth2(TOKENS.municipalityAdmin("974760673")).contentType(ContentType.JSON)
                .body(Map.of("reason", "oppgradering")).post(control("/pauses")).then().statusCode(403);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "oppgradering av EPJ"))
                .post(control("/pauses")).then().statusCode(201);
        given().auth().oauth2(TOKENS.operator()).get(control("/pauses")).then().statusCode(200)
                .body("[0].inForce", equalTo(true));

        List<String> routine = new ArrayList<>();
        List<String> alarms = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "urn:uuid:" + UUID.randomUUID();
            routine.add(id);
            messageIds.add(route(routed(dispense(id), MessageKind.NOTE, "push"), "r" + i + "0".repeat(31)).correlationid());
        }
        for (int i = 0; i < 3; i++) {
            String id = "urn:uuid:" + UUID.randomUUID();
            alarms.add(id);
            messageIds.add(route(routed(dispense(id), MessageKind.ALARM, "push"), "a" + i + "0".repeat(31)).correlationid());
        }
        Thread.sleep(2500);
        assertEquals(0, epj.list("MedicationDispense").size(), "nothing reaches a paused EPJ");
        assertEquals(0, outcomes(messageIds, DeliveryAttemptFailed.class).size(), "no retry noise while paused");

        given().auth().oauth2(admin).post(control("/resume")).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> epj.list("MedicationDispense").size() == 6);
        List<String> arrived = epj.list("MedicationDispense").stream()
                .map(r -> r.path("identifier").path(0).path("value").asText()).toList();
        assertEquals(alarms.stream().sorted().toList(), arrived.subList(0, 3).stream().sorted().toList(),
                "the alarms overtook the routine notes: " + arrived);
    }

    @Test
    void aPlannedMaintenanceWindowHoldsMessagesOnlyWhileItLasts() {
        Instant from = Instant.now().plusSeconds(1);
        given().auth().oauth2(TOKENS.operator()).contentType(ContentType.JSON)
                .body(Map.of("from", from.toString(), "until", from.plusSeconds(3).toString(), "reason", "vindu"))
                .post(control("/pauses")).then().statusCode(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(from.plusMillis(300)));
        String id = "urn:uuid:" + UUID.randomUUID();
        route(routed(dispense(id), MessageKind.MEDICATION_DISPENSE, "push"), "w".repeat(32));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2))
                .until(() -> epj.list("MedicationDispense").isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> epj.list("MedicationDispense").size() == 1);
    }

    @Test
    void aMessageThatKeepsFailingBecomesADeadLetterAndIsDeliveredOnceWhenResent() throws Exception {
        // the EPJ answers, but fails this one message
        String dispense = "urn:uuid:" + UUID.randomUUID();
        epj.behave(new EpjStandin.Behaviour("fail", 503, 0, dispense));
        String messageId = route(routed(dispense(dispense), MessageKind.MEDICATION_DISPENSE, "push"), "d".repeat(32))
                .correlationid();
        String other = "urn:uuid:" + UUID.randomUUID();
        route(routed(dispense(other), MessageKind.MEDICATION_DISPENSE, "push"), "g".repeat(32));
        await().atMost(Duration.ofSeconds(30)).until(() -> !outcomes(List.of(messageId), DeliveryFailed.class).isEmpty());
        DeliveryFailed dead = (DeliveryFailed) outcomes(List.of(messageId), DeliveryFailed.class).get(0);
        assertEquals(3, dead.attempts(), "the configured bound");
        await().atMost(Duration.ofSeconds(10)).until(() -> epj.list("MedicationDispense").size() == 1);
        assertEquals("HTTP 503 from EPJ", dead.lastError());
        String admin = TOKENS.municipalityAdmin(orgnr);
        given().auth().oauth2(admin).get(control("/dead-letters")).then().statusCode(200)
                .body("messageId", hasItem(messageId)).body("[0].attempts", equalTo(3));

        epj.behave(new EpjStandin.Behaviour("ok", 200, 0));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "EPJ er oppe igjen"))
                .post(control("/dead-letters/" + messageId + "/resend")).then().statusCode(200)
                .body("action", equalTo("resent"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(List.of(messageId), MessageDelivered.class).size() == 1);
        Thread.sleep(1000);
        assertEquals(2, epj.list("MedicationDispense").size());
        assertEquals(1, outcomes(List.of(messageId), MessageDelivered.class).size());
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of())
                .post(control("/dead-letters/" + messageId + "/resend")).then().statusCode(409);
    }

    @Test
    void aRefusedMessageIsNotRepeatedAndCanBeDeletedAndRestored() {
        epj.behave(new EpjStandin.Behaviour("fail", 422, 0));
        String messageId = route(routed(dispense("urn:uuid:" + UUID.randomUUID()), MessageKind.ALARM, "push"),
                "e".repeat(32)).correlationid();
        await().atMost(Duration.ofSeconds(20)).until(() -> !outcomes(List.of(messageId), DeliveryFailed.class).isEmpty());
        assertEquals(1, ((DeliveryFailed) outcomes(List.of(messageId), DeliveryFailed.class).get(0)).attempts());

        String operator = TOKENS.operator();
        given().auth().oauth2(operator).contentType(ContentType.JSON).body(Map.of())
                .post(control("/dead-letters/" + messageId + "/delete")).then().statusCode(400);
        given().auth().oauth2(operator).contentType(ContentType.JSON).body(Map.of("reason", "ugyldig for EPJ"))
                .post(control("/dead-letters/" + messageId + "/delete")).then().statusCode(200);
        given().auth().oauth2(operator).queryParam("deleted", true).get(control("/dead-letters")).then()
                .body("messageId", hasItem(messageId));
        given().auth().oauth2(operator).contentType(ContentType.JSON).body(Map.of("reason", "angret"))
                .post(control("/dead-letters/" + messageId + "/restore")).then().statusCode(200);
        given().auth().oauth2(operator).get(control("/dead-letters")).then().body("messageId", hasItem(messageId));
    }

    @Test
    void routedTwiceIsQueuedAndDeliveredOnce() throws Exception {
        String payload = Files.readString(Path.of("..", "examples", "02-missed-dose-alarm.json"))
                .replace("urn:uuid:4ec21ddf-fddd-4819-a32d-ad0da3829a1a", "urn:uuid:" + UUID.randomUUID());
        MessageRouted plain = routed(payload, MessageKind.ALARM, "push");
        // the municipality files alarms under journal type VJ
        MessageRouted routed = new MessageRouted(plain.messageId(), orgnr, MessageKind.ALARM, plain.destination(),
                "municipality-route/alarm", 1, payload, plain.routedAt(), 0, "VJ");
        route(routed, "f".repeat(32));
        route(routed, "f".repeat(32));
        await().atMost(Duration.ofSeconds(20)).until(() -> epj.list("DetectedIssue").size() == 1);
        Thread.sleep(1500);
        assertEquals(1, outcomes(List.of(routed.messageId()), MessageDelivered.class).size());
        assertEquals(1, epj.list("DetectedIssue").size());
        // the Composition has no business identifier of its own; the one made from the message id holds
        assertEquals(1, epj.list("Composition").size());
        assertEquals("VJ", epj.list("DetectedIssue").get(0).path("meta").path("tag").path(0).path("code").asText());
        assertEquals(no.knutepunkt.model.event.KindRule.JOURNAL_TYPE_SYSTEM, epj.list("DetectedIssue").get(0)
                .path("meta").path("tag").path(0).path("system").asText());
    }

    @Test
    void helseplattformenGetsOneClinicalNoteOnItsOwnPatient() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"urn:oid:2.16.578.1.12.4.1.4.1\",\"value\":\"14834540011\"}]}";
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(epj.baseUrl() + "/Patient"))
                .header("Content-Type", "application/fhir+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(patient)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        String epicId = epj.list("Patient").get(0).path("id").asText();

        MessageRouted plain = routed(dispense("urn:uuid:" + UUID.randomUUID()), MessageKind.MEDICATION_DISPENSE, "push");
        MessageRouted routed = new MessageRouted(plain.messageId(), orgnr, plain.kind(),
                new Destination("helseplattformen", "push", epj.baseUrl(), null), plain.rule(), 1,
                plain.payload(), plain.routedAt(), null, null);
        route(routed, "h".repeat(32));
        route(routed, "h".repeat(32));
        await().atMost(Duration.ofSeconds(20)).until(() -> epj.list("DocumentReference").size() == 1);
        var note = epj.list("DocumentReference").get(0);
        assertEquals("Patient/" + epicId, note.path("subject").path("reference").asText());
        assertEquals("34109-9", note.path("type").path("coding").path(0).path("code").asText());
        assertEquals("urn:uuid:" + routed.messageId(), note.path("identifier").path(0).path("value").asText());
        assertEquals(2, note.path("content").size());
        assertEquals(0, epj.list("MedicationDispense").size(), "Epic gets a note, not the VKP resources");

        // a patient the EPJ does not know: a dead letter that says so
        MessageRouted stranger = new MessageRouted(UUID.randomUUID().toString(), orgnr, MessageKind.ALARM,
                routed.destination(), plain.rule(), 1, plain.payload().replace("14834540011", "02913846098"),
                Instant.now(), null, null);
        route(stranger, "i".repeat(32));
        await().atMost(Duration.ofSeconds(20)).until(() -> !outcomes(List.of(stranger.messageId()),
                DeliveryFailed.class).isEmpty());
        assertEquals("the EPJ has no patient with the message's national id", ((DeliveryFailed) outcomes(
                List.of(stranger.messageId()), DeliveryFailed.class).get(0)).lastError());
        Thread.sleep(500);
        assertEquals(1, epj.list("DocumentReference").size());
    }

    @Test
    void anEpjThatWantsATokenGetsOneByTheRoutesCredentialsAndNoneWithout() throws Exception {
        epj.requireToken("knutepunkt-" + orgnr, "s3cret-" + orgnr);
        String ref = "epj-" + orgnr;
        Path dir = Path.of("target", "epj-credentials");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ref + ".properties"), "token-url=http://127.0.0.1:" + epj.port() + "/token\n"
                + "client-id=knutepunkt-" + orgnr + "\nclient-secret=s3cret-" + orgnr + "\n");

        MessageRouted plain = routed(dispense("urn:uuid:" + UUID.randomUUID()), MessageKind.ALARM, "push");
        MessageRouted withCredentials = new MessageRouted(plain.messageId(), orgnr, plain.kind(),
                new Destination("generic-fhir", "push", epj.baseUrl(), ref), plain.rule(), 1, plain.payload(),
                plain.routedAt(), null, null);
        route(withCredentials, "t".repeat(32));
        await().atMost(Duration.ofSeconds(20)).until(() -> epj.list("MedicationDispense").size() == 1);
        assertEquals(1, epj.tokensIssued());

        // a route naming credentials that are not there: the message waits, and the status says why
        MessageRouted unknown = new MessageRouted(UUID.randomUUID().toString(), orgnr, MessageKind.ALARM,
                new Destination("generic-fhir", "push", epj.baseUrl(), "nowhere-" + orgnr), plain.rule(), 1,
                dispense("urn:uuid:" + UUID.randomUUID()), Instant.now(), null, null);
        route(unknown, "u".repeat(32));
        await().atMost(Duration.ofSeconds(20)).until(() -> !outcomes(List.of(unknown.messageId()),
                DeliveryAttemptFailed.class).isEmpty());
        assertEquals("no credentials 'nowhere-" + orgnr + "' are configured (delivery.credentials-dir)",
                ((DeliveryAttemptFailed) outcomes(List.of(unknown.messageId()), DeliveryAttemptFailed.class).get(0))
                        .error());
        assertEquals(1, epj.list("MedicationDispense").size());
    }

    String control(String path) {
        return "/delivery/v1/municipalities/" + orgnr + path;
    }

    static String dispense(String identifier) {
        try {
            return Files.readString(Path.of("..", "examples", "01-medication-dispense-success.json"))
                    .replace(DISPENSE_ID, identifier)
                    .replace("urn:uuid:52fec24a-1fe6-429c-ac39-4a36091b91c2", "urn:uuid:" + UUID.randomUUID());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    MessageRouted routed(String payload, MessageKind kind, String mode) {
        return new MessageRouted(UUID.randomUUID().toString(), orgnr, kind,
                new Destination("generic-fhir", mode, mode.equals("pull") ? null : epj.baseUrl(), null),
                "municipality-route", 1, payload, Instant.now(), null, null);
    }

    EventEnvelope route(MessageRouted routed, String patientKey) {
        EventEnvelope envelope = EventEnvelope.create("test", patientKey, routed.messageId(), null, routed);
        new TopicProbe(bootstrap).publish(Topics.ROUTING_DECISIONS, envelope);
        return envelope;
    }

    List<EventData> outcomes(List<String> messageIds, Class<? extends EventData> type) {
        return new TopicProbe(bootstrap).readAll(List.of(Topics.DELIVERY_OUTCOMES), Duration.ofMillis(300)).stream()
                .map(r -> EventCodec.decode(r.value()))
                .filter(e -> messageIds.contains(e.correlationid()))
                .map(EventEnvelope::payload).filter(type::isInstance).collect(Collectors.toList());
    }
}
