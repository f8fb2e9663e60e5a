package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VKP write surface against the real broker and database: accepted means durably in Kafka. */
@QuarkusTest
class VkpResourceTest {

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Testleverandor_Dispenser_" + ORGNR;
    static final String WRITE = "nhn:vkp/api/user/bundle.write";
    static final String FNR = "14834540011";

    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @jakarta.inject.Inject
    PayloadVault vault;

    Response post(String token, String contentType, String body) {
        return given().auth().oauth2(token).contentType(contentType).body(body)
                .post("/epj/r4/" + ORGNR + "/bundle");
    }

    @Test
    void acceptedMessageIsInKafkaKeyedByPseudonymBeforeTheAnswer() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String body = Examples.fresh("01-medication-dispense-success.json");
        Response response = post(token, "application/fhir+json", body);
        response.then().statusCode(202)
                .header("Location", containsString("/$status"))
                .body("resourceType", equalTo("OperationOutcome"));
        String messageId = response.header("X-Message-Id");
        assertNotNull(messageId);

        ConsumerRecord<String, String> record = findReceived(messageId);
        assertNotNull(record, "the received event is on the topic");
        EventEnvelope envelope = EventCodec.decode(record.value());
        MessageReceived received = (MessageReceived) envelope.payload();
        assertEquals(ORGNR, received.orgnr());
        assertEquals(VKP_ID, received.sender().vkpId());
        assertEquals(messageId, envelope.correlationid());
        assertEquals(received.patientKey(), record.key());
        assertFalse(record.key().contains(FNR), "no national id in the Kafka key");
        // the payload is on the log only sealed with the patient's key, and opens to exactly what was sent
        assertTrue(PayloadVault.isSealed(received.payload()));
        assertFalse(record.value().contains(FNR), "no national id anywhere in the record's value");
        assertEquals(body, vault.open(messageId, received.payload()).await().indefinitely());
        for (Header header : record.headers()) {
            assertFalse(new String(header.value()).contains(FNR), "no national id in header " + header.key());
        }

        // the status is readable at once, by the sender only
        given().auth().oauth2(token).get(response.header("Location"))
                .then().statusCode(200).body("id", equalTo(messageId)).body("registered", notNullValue());
        given().auth().oauth2(tokens.vendor("Annen_Leverandor_" + ORGNR, List.of(WRITE)))
                .get(response.header("Location")).then().statusCode(404);

        // the deep validation runs off the request path and adds its findings to the status
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(token).get(response.header("Location")).then().statusCode(200)
                        .body("validation.errors", equalTo(0)));
    }

    @Test
    void jsonSentAsTextPlainIsAccepted() {
        post(tokens.vendor(VKP_ID, List.of(WRITE)), "text/plain; charset=utf-8",
                Examples.fresh("02-missed-dose-alarm.json")).then().statusCode(202);
    }

    @Test
    void missingPatientIdentifierIsRejectedWithVkpCodeAndPath() {
        post(tokens.vendor(VKP_ID, List.of(WRITE)), "application/fhir+json",
                Examples.read("05-invalid-missing-patient-identifier.json"))
                .then().statusCode(400)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("error"))
                .body("issue[0].details.coding[0].code", equalTo("2.1"))
                .body("issue[0].expression[0]", equalTo("Bundle.entry[0].resource.subject.identifier"));
    }

    @Test
    void unknownResourceTypeIsRejectedAsInvalidFormat() {
        post(tokens.vendor(VKP_ID, List.of(WRITE)), "application/fhir+json",
                Examples.read("06-invalid-unknown-resource-type.json"))
                .then().statusCode(400)
                .body("issue[0].code", equalTo("structure"))
                .body("issue[0].details.coding[0].code", equalTo("2.4"));
    }

    @Test
    void wrongCheckDigitsAreRejected() {
        String body = Examples.fresh("01-medication-dispense-success.json").replace(FNR, "14834540012");
        post(tokens.vendor(VKP_ID, List.of(WRITE)), "application/fhir+json", body)
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2.1"));
    }

    @Test
    void malformedJsonAndWrongMediaTypeAreRejected() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        post(token, "application/fhir+json", "{\"resourceType\":\"Bundle\",").then().statusCode(400)
                .body("issue[0].details.coding[0].code", equalTo("2.4"));
        post(token, "application/fhir+xml", "<Bundle/>").then().statusCode(415);
        given().auth().oauth2(token).contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json"))
                .post("/epj/r4/12345/bundle").then().statusCode(400)
                .body("issue[0].details.coding[0].code", equalTo("2.2"));
    }

    @Test
    void tokensAreVerified() throws Exception {
        String body = Examples.fresh("01-medication-dispense-success.json");
        given().contentType("application/fhir+json").body(body).post("/epj/r4/" + ORGNR + "/bundle")
                .then().statusCode(401).body("issue[0].details.coding[0].code", equalTo("1.5"));

        Map<String, Object> claims = tokens.baseClaims("c", List.of(WRITE));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        var otherKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        post(DevTokens.sign(claims, otherKey, "RS256"), "application/fhir+json", body).then().statusCode(401);

        assertEquals(401, post(tokens.sign(with(claims, "iss", "https://evil.example")), "application/fhir+json", body)
                .statusCode(), "wrong issuer");
        assertEquals(401, post(tokens.sign(with(claims, "aud", "another-api")), "application/fhir+json", body)
                .statusCode(), "wrong audience");
        long past = Instant.now().minusSeconds(3600).getEpochSecond();
        Map<String, Object> expired = with(with(claims, "exp", past), "iat", past - 300);
        assertEquals(401, post(tokens.sign(with(expired, "nbf", past - 300)), "application/fhir+json", body)
                .statusCode(), "expired");

        post(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/bundle.read")), "application/fhir+json", body)
                .then().statusCode(403).body("issue[0].details.coding[0].code", equalTo("1.4"));
        post(tokens.sign(with(claims, "client_amr", "client_secret_basic")), "application/fhir+json", body)
                .then().statusCode(403).body("issue[0].details.coding[0].code", equalTo("1"));
        post(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/bundle.*")), "application/fhir+json", body)
                .then().statusCode(202);
    }

    @Test
    void singleResourcePathsTakeTheirOwnTypeAndScope() throws Exception {
        String dispense = EventCodec.mapper().readTree(Examples.fresh("01-medication-dispense-success.json"))
                .path("entry").path(0).path("resource").toString();
        String url = "/epj/r4/" + ORGNR + "/medicationdispense";
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/medicationdispense.write")))
                .contentType("application/fhir+json").body(dispense).post(url)
                .then().statusCode(202).header("Location", containsString("/v1/MedicationDispense/"));
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of(WRITE))).contentType("application/fhir+json")
                .body(dispense).post(url).then().statusCode(403);
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/encounter.write")))
                .contentType("application/fhir+json").body(dispense).post("/epj/r4/" + ORGNR + "/encounter")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2.4"));
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of(WRITE))).contentType("application/fhir+json")
                .body(dispense).post("/epj/r4/" + ORGNR + "/patient").then().statusCode(404)
                .body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void retriesGetTheFirstAnswerAndAReusedKeyWithAnotherBodyIsRefused() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String body = Examples.fresh("01-medication-dispense-success.json");
        String first = post(token, "application/fhir+json", body).then().statusCode(202).extract().header("X-Message-Id");
        // no header: the sender plus Bundle.identifier is the key
        assertEquals(first, post(token, "application/fhir+json", body).then().statusCode(202).extract()
                .header("X-Message-Id"));

        String key = UUID.randomUUID().toString();
        String keyed = given().auth().oauth2(token).contentType("application/fhir+json").header("Idempotency-Key", key)
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle")
                .then().statusCode(202).extract().header("X-Message-Id");
        given().auth().oauth2(token).contentType("application/fhir+json").header("Idempotency-Key", key)
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle")
                .then().statusCode(422).body("issue[0].extension[0].valueString", equalTo("idempotency-key-reuse"));
        assertNotNull(keyed);
    }

    /**
     * The same content written again by another serializer (HAPI's compact JSON, other key order, 1.50 for 1.5) is
     * the same message, and its retry hears the first answer's warnings too; it used to be 422 "different body".
     */
    @Test
    void aReserializedRetryIsTheSameMessageAndCarriesTheFirstAnswersWarnings() throws Exception {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        // lenient warnings: an empty string and a wrong Composition type
        String body = Examples.likeRealTraffic()
                .replaceAll("\"value\": \"urn:uuid:[0-9a-f-]+\"", "\"value\": \"urn:uuid:" + UUID.randomUUID() + "\"");
        Response first = post(token, "application/fhir+json", body);
        first.then().statusCode(202);
        List<String> warned = first.jsonPath().getList("issue.findAll { it.severity == 'warning' }.extension[0].valueString");
        assertFalse(warned.isEmpty(), first.asString());
        var sorted = EventCodec.mapper().copy().configure(com.fasterxml.jackson.databind.SerializationFeature
                .ORDER_MAP_ENTRIES_BY_KEYS, true);
        String reserialized = sorted.writeValueAsString(sorted.readValue(body, java.util.Map.class));
        assertFalse(reserialized.equals(body));
        Response again = post(token, "application/fhir+json", reserialized);
        again.then().statusCode(202);
        assertEquals(first.header("X-Message-Id"), again.header("X-Message-Id"));
        assertEquals(warned, again.jsonPath().getList(
                "issue.findAll { it.severity == 'warning' }.extension[0].valueString"));
    }

    /**
     * A denial is not an answer to keep: a bundle denied (no grant yet) and sent again unchanged, once the grant is
     * given, is decided afresh as a new message; it used to get the same 403 for ever.
     */
    @Test
    void aDeniedMessageSentAgainIsDecidedAfreshWhileAnAcceptedOneKeepsItsAnswer() throws Exception {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String body = Examples.fresh("01-medication-dispense-success.json");
        String denied = post(token, "application/fhir+json", body).then().statusCode(202).extract()
                .header("X-Message-Id");
        // consent's denial (consent-service does not run beside this module's tests: its event, as it writes it)
        no.knutepunkt.model.event.MessageDenied denial = new no.knutepunkt.model.event.MessageDenied(denied, ORGNR,
                new no.knutepunkt.model.event.Sender(VKP_ID, "c"), "1.2", "no grant", "grant-missing", null,
                Instant.now(), null, null);
        new TopicProbe(bootstrap).publish(Topics.CONSENT_DECISIONS, EventEnvelope.create("test", "k".repeat(32),
                denied, null, denial));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "denied".equals(given().auth()
                .oauth2(token).get("/v1/Bundle/" + denied + "/$status").path("state")));
        String afresh = post(token, "application/fhir+json", body).then().statusCode(202).extract()
                .header("X-Message-Id");
        assertFalse(denied.equals(afresh), "a new message, decided afresh");
        assertEquals(afresh, post(token, "application/fhir+json", body).then().statusCode(202).extract()
                .header("X-Message-Id"), "an accepted one keeps its answer");
    }

    /**
     * What a FHIR client (HAPI's) does with a base URL: reads BASE/metadata (404 before), and creates a Bundle by
     * posting to BASE/Bundle, FHIR-cased (404 before: only VKP's lower case was known).
     */
    @Test
    void aFhirClientFindsTheCapabilitiesOnEachBaseAndCreatesAtTheFhirCasedPath() {
        for (String accept : List.of("application/fhir+json", "application/json")) {
            given().accept(accept).get("/epj/r4/" + ORGNR + "/metadata").then().statusCode(200)
                    .body("resourceType", equalTo("CapabilityStatement")).body("kind", equalTo("instance"))
                    .body("implementation.description", notNullValue()).body("software.version", notNullValue())
                    .body("rest[0].resource.find { it.type == 'Bundle' }.operation[0].name", equalTo("status"))
                    .body("rest[0].resource.find { it.type == 'MedicationDispense' }.supportedProfile[0]",
                            equalTo("http://ehelse.no/fhir/StructureDefinition/vkp-MedicationDispense-v090"));
        }
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of(WRITE))).contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/Bundle")
                .then().statusCode(202);
        // _format is honoured or refused, never ignored
        given().queryParam("_format", "json").get("/epj/r4/" + ORGNR + "/metadata").then().statusCode(200);
        given().queryParam("_format", "xml").get("/epj/r4/" + ORGNR + "/metadata").then().statusCode(406)
                .body("issue[0].extension[0].valueString", equalTo("format"));
    }

    /**
     * A body of exactly the documented limit is accepted and on the log (from about 750 KB up it was answered 504
     * "send it again": the event outgrew Kafka's default record limit); one byte more is 413.
     */
    @Test
    void aBodyOfExactlyTheLimitIsStoredAndOneByteMoreIsRefused() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String base = Examples.fresh("01-medication-dispense-success.json").replace("\"Multidosepose, morgen\"",
                "\"PAD\"");
        int pad = 1_048_576 - base.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3;
        String exact = base.replace("\"PAD\"", "\"" + "m".repeat(pad) + "\"");
        assertEquals(1_048_576, exact.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        String messageId = post(token, "application/fhir+json", exact).then().statusCode(202).extract()
                .header("X-Message-Id");
        assertNotNull(findReceived(messageId), "on the log");
        String over = Examples.fresh("01-medication-dispense-success.json").replace("\"Multidosepose, morgen\"",
                "\"" + "m".repeat(pad + 1) + "\"");
        assertEquals(1_048_577, over.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        post(token, "application/fhir+json", over).then().statusCode(413)
                .body("resourceType", equalTo("OperationOutcome"));
    }

    /**
     * $status answered 406 to HAPI's Accept (fhir+json;q=1.0, json+fhir;q=0.9) and to plain application/fhir+json,
     * and its body was not FHIR; a write answered 406 to Accept: application/json although the CapabilityStatement
     * advertises it.
     */
    @Test
    void statusIsFhirParametersToAFhirClientAndPlainJsonOtherwise() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String messageId = given().auth().oauth2(token).accept("application/json").contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle")
                .then().statusCode(202).extract().header("X-Message-Id");
        String status = "/v1/Bundle/" + messageId + "/$status";
        for (String accept : List.of("application/fhir+json;q=1.0, application/json+fhir;q=0.9",
                "application/fhir+json", "application/json+fhir")) {
            Response r = given().auth().oauth2(token).accept(accept).get(status);
            r.then().statusCode(200).contentType(containsString("application/fhir+json"))
                    .body("resourceType", equalTo("Parameters"));
            Parameters parsed = no.knutepunkt.model.fhir.Fhir.jsonParser().parseResource(Parameters.class, r.asString());
            assertEquals(messageId, parsed.getParameter("id").getValue().primitiveValue());
            assertEquals("registered", parsed.getParameter("state").getValue().primitiveValue(), accept);
            assertTrue(parsed.getParameter("registered").getValue() instanceof org.hl7.fhir.r4.model.InstantType);
        }
        for (String accept : List.of("application/json", "*/*")) {
            given().auth().oauth2(token).accept(accept).get(status).then().statusCode(200)
                    .contentType(containsString("application/json")).body("id", equalTo(messageId));
        }
    }

    /** Behind the TLS-terminating ingress, Location sent vendors to http:// URLs of the pod. */
    @Test
    void locationFollowsTheForwardedHeadersOfTheIngress() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        given().auth().oauth2(token).contentType("application/fhir+json").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "knutepunkt.nhn.no").body(Examples.fresh("01-medication-dispense-success.json"))
                .post("/epj/r4/" + ORGNR + "/bundle").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.startsWith("https://knutepunkt.nhn.no/v1/Bundle/"));
        given().auth().oauth2(token).contentType("application/fhir+json")
                .header("Forwarded", "proto=https;host=vkp.kommune.no").body(Examples.fresh("01-medication-dispense-success.json"))
                .post("/epj/r4/" + ORGNR + "/bundle").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.startsWith("https://vkp.kommune.no/v1/Bundle/"));
    }

    @Test
    void concurrentDuplicatesMakeOneMessage() throws Exception {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String body = Examples.fresh("01-medication-dispense-success.json");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> post(token, "application/fhir+json", body).then().statusCode(202)
                        .extract().header("X-Message-Id")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var answer : answers) {
                ids.add(answer.get());
            }
            assertEquals(1, ids.size(), "one message id for 50 concurrent sends");
            String messageId = ids.iterator().next();
            long received = new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED), Duration.ofSeconds(2))
                    .stream().filter(r -> EventCodec.decode(r.value()).correlationid().equals(messageId)).count();
            assertEquals(1, received, "one received event");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oversizedDeepAndHugeBodiesAreRefusedWithAnOutcome() {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String big = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"x\":\"" + "a".repeat(1_100_000) + "\"}";
        post(token, "application/fhir+json", big).then().statusCode(413)
                .body("issue[0].code", equalTo("too-costly"));
        String deep = "{\"resourceType\":\"Bundle\",\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        post(token, "application/fhir+json", deep).then().statusCode(400)
                .body("issue[0].extension[0].valueString", equalTo("json-depth"));
        StringBuilder many = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
        for (int i = 0; i < 600; i++) {
            many.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:").append(UUID.randomUUID()).append("\"}");
        }
        post(token, "application/fhir+json", many.append("]}").toString()).then().statusCode(400)
                .body("issue[0].extension[0].valueString", equalTo("bundle-entry-count"));
    }

    @Test
    void jftSurfaceTakesTheMunicipalityFromTheToken() {
        Map<String, Object> claims = tokens.baseClaims("jft-client", List.of("nhn:jft/api"));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        String withoutMunicipality = tokens.sign(claims);
        claims.put("helseid://claims/client/claims/orgnr_parent", ORGNR);
        String token = tokens.sign(claims);
        String body = Examples.fresh("01-medication-dispense-success.json");
        given().auth().oauth2(token).contentType("application/fhir+json").body(body).post("/v1/Bundle")
                .then().statusCode(202).header("Location", containsString("/v1/Bundle/"));
        given().auth().oauth2(withoutMunicipality).contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/v1/Bundle")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2.2"));
        given().auth().oauth2(token).contentType("application/fhir+json").body(body).post("/v1/Patient")
                .then().statusCode(404);
    }

    @Test
    void capabilityStatementsListExactlyTheWritableAndReadableTypes() {
        given().get("/epj/r4/metadata").then().statusCode(200)
                .body("resourceType", equalTo("CapabilityStatement"))
                .body("rest[0].resource.type", equalTo(List.of("AllergyIntolerance", "Bundle", "CarePlan",
                        "Composition", "Condition", "DetectedIssue", "Encounter", "EpisodeOfCare",
                        "MedicationDispense", "MedicationStatement", "Patient")))
                .body("rest[0].resource.find { it.type == 'Bundle' }.interaction.code", equalTo(List.of("create")))
                .body("rest[0].resource.find { it.type == 'Composition' }.interaction.code",
                        equalTo(List.of("create", "search-type")))
                .body("rest[0].resource.find { it.type == 'CarePlan' }.searchParam.name",
                        equalTo(List.of("patient.identifier", "date", "_count")));
        given().get("/v1/metadata").then().statusCode(200)
                .body("rest[0].resource.type", equalTo(List.of("Bundle", "Composition", "MedicationDispense")));
    }

    /** Each shared fixture, on both write surfaces: 01–04 accepted, 05–06 refused with their VKP codes. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"01-medication-dispense-success.json,202,",
            "02-missed-dose-alarm.json,202,", "03-digital-supervision-encounter.json,202,",
            "04-response-centre-alarm-log.json,202,", "05-invalid-missing-patient-identifier.json,400,2.1",
            "06-invalid-unknown-resource-type.json,400,2.4"})
    void everyFixtureGetsItsVerdictOnBothSurfaces(String fixture, int status, String vkpCode) {
        Map<String, Object> claims = tokens.baseClaims("fixture-client", List.of(WRITE, "nhn:jft/api"));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        claims.put("helseid://claims/client/claims/orgnr_parent", ORGNR);
        String token = tokens.sign(claims);
        for (String path : List.of("/epj/r4/" + ORGNR + "/bundle", "/v1/Bundle")) {
            var answer = given().auth().oauth2(token).contentType("application/fhir+json")
                    .body(Examples.fresh(fixture)).post(path).then().statusCode(status)
                    .body("resourceType", equalTo("OperationOutcome"));
            if (vkpCode != null) {
                answer.body("issue[0].details.coding[0].code", equalTo(vkpCode));
            }
        }
    }

    @Test
    void anEmptyBundleIsInvalidData() {
        post(tokens.vendor(VKP_ID, List.of(WRITE)), "application/fhir+json",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2"));
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(claims);
        copy.put(name, value);
        return copy;
    }

    ConsumerRecord<String, String> findReceived(String messageId) {
        return new TopicProbe(bootstrap).await(Topics.MESSAGES_RECEIVED, e -> messageId.equals(e.correlationid()),
                Duration.ofSeconds(20));
    }

    /**
     * A read is checked before anything is written; a valid one is on the log with its query sealed and keyed by the
     * patient's pseudonym, and (no other stage runs here) ends at its deadline with 504, VKP 3.1.
     */
    @Test
    void aReadIsCheckedThenLoggedSealedAndEndsAtItsDeadline() throws Exception {
        String reader = tokens.vendor(VKP_ID, List.of("nhn:vkp/api/user/careplan.read"));
        given().auth().oauth2(reader).header("ServiceCodes", "ta").get("/epj/r4/" + ORGNR + "/observation")
                .then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
        given().auth().oauth2(tokens.vendor(VKP_ID, List.of(WRITE))).header("ServiceCodes", "ta")
                .get("/epj/r4/" + ORGNR + "/careplan").then().statusCode(403)
                .body("issue[0].extension[0].valueString", equalTo("vkp-scope"));
        given().auth().oauth2(reader).get("/epj/r4/" + ORGNR + "/careplan").then().statusCode(400)
                .body("issue[0].details.coding[0].code", equalTo("2.3"));
        given().auth().oauth2(reader).header("ServiceCodes", "ta, gps,BLE").get("/epj/r4/" + ORGNR + "/careplan")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("2.4"));

        long start = System.nanoTime();
        // NHN's sample posts the form as text/plain; a byte-order mark may lead it
        Response timedOut = given().auth().oauth2(reader).header("ServiceCodes", "TA").contentType("text/plain; charset=utf-8")
                .body("\uFEFFpatient.identifier=" + FNR + "&date=ge2026-01-01").post("/epj/r4/" + ORGNR
                        + "/careplan/_search");
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, timedOut.statusCode(), timedOut.asString());
        assertEquals("3.1", timedOut.path("issue[0].details.coding[0].code"));
        assertTrue(took >= 900, "waited for the deadline: " + took + " ms");

        ConsumerRecord<String, String> record = new TopicProbe(bootstrap).await(Topics.READS_REQUESTED,
                e -> e.payload() instanceof no.knutepunkt.model.event.ReadRequested r && VKP_ID.equals(
                        r.sender().vkpId()), Duration.ofSeconds(20));
        assertNotNull(record);
        no.knutepunkt.model.event.ReadRequested read = (no.knutepunkt.model.event.ReadRequested) EventCodec
                .decode(record.value()).payload();
        assertEquals("careplan", read.resource());
        assertEquals(List.of("TA"), read.serviceCodes());
        assertEquals(read.patientKey(), record.key());
        assertFalse(record.value().contains(FNR), "the national id is sealed");
        assertEquals("patient.identifier=urn%3Aoid%3A2.16.578.1.12.4.1.4.1%7C" + FNR + "&date=ge2026-01-01",
                vault.open(read.readId(), read.query()).await().atMost(Duration.ofSeconds(5)));

        // the reads refused at the door are on the log too, for the municipality's access log; the 404 was no read
        List<no.knutepunkt.model.event.ReadRefused> refused = new TopicProbe(bootstrap).readAll(
                List.of(Topics.READS_REQUESTED), Duration.ofSeconds(2)).stream()
                .map(r -> EventCodec.decode(r.value()).payload())
                .filter(e -> e instanceof no.knutepunkt.model.event.ReadRefused r && ORGNR.equals(r.orgnr())
                        && "careplan".equals(r.resource()))
                .map(e -> (no.knutepunkt.model.event.ReadRefused) e)
                .sorted(java.util.Comparator.comparing(no.knutepunkt.model.event.ReadRefused::refusedAt)).toList();
        assertEquals(List.of("vkp-scope", "service-codes-missing", "service-codes-unknown"), refused.stream()
                .map(no.knutepunkt.model.event.ReadRefused::rule).toList());
        assertEquals(List.of(403, 400, 400), refused.stream().map(no.knutepunkt.model.event.ReadRefused::status)
                .toList());
        assertEquals(List.of("TA", "GPS"), refused.get(2).serviceCodes(), "only known codes are logged");
        assertEquals(VKP_ID, refused.get(0).sender().vkpId());
    }
}
