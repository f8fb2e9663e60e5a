package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the transport and the log do with hostile input, each a defect found by probing the hub (issue 14): bodies in
 * another charset, bodies that never finish, headers and chunked bodies over the limits, and national ids where a
 * vendor should not put them. Over the real broker and database.
 */
@QuarkusTest
class HostileTransportTest {

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Fiendtlig_Transport_" + ORGNR;
    static final String WRITE = "nhn:vkp/api/user/bundle.write";
    static final String FNR = "14834540011";

    final DevTokens tokens = DevTokens.fromEnvironment();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String database;
    @io.quarkus.test.common.http.TestHTTPResource("/")
    URI base;
    @jakarta.inject.Inject
    PayloadVault vault;

    HttpResponse<String> post(String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/epj/r4/" + ORGNR + "/bundle"))
                .header("Authorization", "Bearer " + tokens.vendor(VKP_ID, List.of(WRITE)))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String ruleOf(HttpResponse<String> r) throws Exception {
        return EventCodec.mapper().readTree(r.body()).path("issue").path(0).path("extension").path(0)
                .path("valueString").asText();
    }

    String opened(String messageId) {
        ConsumerRecord<String, String> record = new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED),
                Duration.ofSeconds(2)).stream().filter(r -> r.value().contains(messageId)).findFirst().orElseThrow();
        MessageReceived received = (MessageReceived) EventCodec.decode(record.value()).payload();
        return vault.open(messageId, received.payload()).await().atMost(Duration.ofSeconds(10));
    }

    /** Text with æøå in the response centre's log; Latin-1 and windows-1252 used to arrive as U+FFFD with a 202. */
    @Test
    void aBodyIsReadInTheCharsetItDeclaresAndNeverRepaired() throws Exception {
        String text = Examples.fresh("04-response-centre-alarm-log.json");
        assertTrue(text.contains("utløst"));
        for (String charset : List.of("ISO-8859-1", "windows-1252", "UTF-16")) {
            HttpResponse<String> r = post("application/fhir+json; charset=" + charset,
                    Examples.fresh("04-response-centre-alarm-log.json").getBytes(Charset.forName(charset)));
            assertEquals(202, r.statusCode(), charset + ": " + r.body());
            String stored = opened(r.headers().firstValue("X-Message-Id").orElseThrow());
            assertTrue(stored.contains("Alarm utløst fra trygghetsalarm"), charset + " kept its æøå");
            assertFalse(stored.contains("\uFFFD"), charset);
        }
        // a byte-order mark before the JSON, as .NET writes it
        byte[] bom = Examples.fresh("04-response-centre-alarm-log.json").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(bom, 0, withBom, 3, bom.length);
        assertEquals(202, post("application/fhir+json", withBom).statusCode());

        // Latin-1 bytes sent as UTF-8 (no charset): refused, not stored with replacement characters
        HttpResponse<String> mislabelled = post("application/fhir+json",
                Examples.fresh("04-response-centre-alarm-log.json").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, mislabelled.statusCode(), mislabelled.body());
        assertEquals("body-encoding", ruleOf(mislabelled));
        HttpResponse<String> unknown = post("application/fhir+json; charset=x-klingon", text.getBytes());
        assertEquals(415, unknown.statusCode(), unknown.body());
        assertEquals("charset", ruleOf(unknown));
    }

    /** Duplicate keys and a direction override in an identifier passed without a word (the last key winning). */
    @Test
    void sloppyInputIsAcceptedWithAWarningThatNamesItsRuleUnderTheLenientSet() throws Exception {
        String body = Examples.fresh("01-medication-dispense-success.json")
                .replace("\"type\": \"collection\",", "\"type\": \"collection\", \"type\": \"collection\",")
                .replace("\"value\": \"DISP-000417\"", "\"value\": \"DISP-\\u202E000417\"");
        HttpResponse<String> r = post("application/fhir+json", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(202, r.statusCode(), r.body());
        List<String> warned = EventCodec.mapper().readTree(r.body()).path("issue").findValuesAsText("valueString");
        assertTrue(warned.containsAll(List.of("json-duplicate-key", "identifier-characters")), warned.toString());
    }

    /** A body declared and never sent, or trickled, held its connection for as long as the client liked. */
    @Test
    void aBodyThatDoesNotArriveInTimeIsAnswered408AndTheConnectionClosed() throws Exception {
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        for (boolean trickle : new boolean[] {false, true}) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /epj/r4/" + ORGNR + "/bundle HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/fhir+json\r\nContent-Length: 5000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long start = System.nanoTime();
                InputStream in = socket.getInputStream();
                while (trickle && in.available() == 0 && System.nanoTime() - start < 28_000_000_000L) {
                    try {
                        out.write(' ');
                        out.flush();
                    } catch (java.io.IOException closed) {
                        break; // the hub answered and closed
                    }
                    Thread.sleep(300);
                }
                // read until the hub closes the connection (a read timeout here fails the test)
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                try {
                    in.transferTo(answer);
                } catch (java.net.SocketException reset) {
                    // closed while our last trickled byte was on its way: what came before it is the answer
                }
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                String text = answer.toString(StandardCharsets.UTF_8);
                assertTrue(text.startsWith("HTTP/1.1 408"), (trickle ? "trickled: " : "unsent: ") + text);
                assertTrue(text.contains("\"resourceType\":\"OperationOutcome\"") && text.contains("body-read-timeout"),
                        text);
                assertTrue(seconds < 20, "answered after the deadline (8 s in tests), not when the client gave up: "
                        + seconds + " s");
            }
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    /** The HTTP layer's own refusals were empty answers; and a chunked body passed the 1 MB limit unmeasured. */
    @Test
    void theHttpLayersOwnRefusalsAreOperationOutcomes() throws Exception {
        HttpResponse<String> headers = post("application/fhir+json", "{}".getBytes(), "X-Padding", "a".repeat(30_000));
        assertEquals(431, headers.statusCode());
        assertEquals("header-size", ruleOf(headers));

        HttpResponse<String> line = http.send(HttpRequest.newBuilder(base.resolve("/epj/r4/" + ORGNR + "/bundle?x="
                + "a".repeat(10_000))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(414, line.statusCode());
        assertEquals("request-line-size", ruleOf(line));

        // no Content-Length: a body published from a stream is sent chunked
        String big = Examples.fresh("01-medication-dispense-success.json").replace("\"Multidosepose, morgen\"",
                "\"" + "x".repeat(1_200_000) + "\"");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(base.resolve("/epj/r4/" + ORGNR + "/bundle"))
                .header("Authorization", "Bearer " + tokens.vendor(VKP_ID, List.of(WRITE)))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals("body-size", ruleOf(chunked));
    }

    /**
     * A national id in Bundle.identifier, in the Idempotency-Key and in free text: on the log and in the database only
     * sealed or as a keyed hash, never in clear (they were in clear in the received event, the validator's findings,
     * the status table, and as an unkeyed, brute-forceable SHA-256 of the key).
     */
    @Test
    void aNationalIdWhereAVendorShouldNotPutItIsNowhereInClearOnTheLogOrInTheDatabase() throws Exception {
        String body = Examples.fresh("01-medication-dispense-success.json")
                .replaceFirst("\"value\": \"urn:uuid:[0-9a-f-]+\"", "\"value\": \"" + FNR + "\"")
                .replace("Morgendose kl. 08:00", "Morgendose til " + FNR + " kl. 08:00");
        // the key holds the national id (a run's own suffix: the log outlives a test run)
        String key = FNR + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = post("application/fhir+json", body.getBytes(StandardCharsets.UTF_8),
                "Idempotency-Key", key);
        assertEquals(202, r.statusCode(), r.body());
        String messageId = r.headers().firstValue("X-Message-Id").orElseThrow();
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        // the deep validation has run and its findings are readable in the status, opened
        await().atMost(Duration.ofSeconds(60)).until(() -> given().auth().oauth2(token)
                .get("/v1/Bundle/" + messageId + "/$status").jsonPath().get("validation") != null);
        String status = given().auth().oauth2(token).get("/v1/Bundle/" + messageId + "/$status").asString();
        assertFalse(status.contains(PayloadVault.PREFIX), "the status shows the findings' texts opened: " + status);
        System.out.println("status with the deep validation's findings: " + status);

        List<String> where = new ArrayList<>();
        for (ConsumerRecord<String, String> record : new TopicProbe(bootstrap).readAll(Topics.all().stream()
                .map(Topics.Spec::name).toList(), Duration.ofSeconds(2))) {
            if (record.value().contains(FNR) || record.key() != null && record.key().contains(FNR)) {
                where.add(record.topic() + " @" + record.offset());
            }
        }
        try (Connection db = DriverManager.getConnection(database, "postgres", "postgres")) {
            List<String> tables = new ArrayList<>();
            try (ResultSet t = db.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (t.next()) {
                    tables.add(t.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.containsAll(List.of("message_status", "idempotency_claim")), tables.toString());
            for (String table : tables) {
                try (ResultSet rows = db.createStatement().executeQuery("select t::text from " + table + " t")) {
                    while (rows.next()) {
                        if (rows.getString(1).contains(FNR)) {
                            where.add("table " + table);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), where, "a national id in clear");
        // the keyed hash still serves its purpose: the same key and body again is the same message
        HttpResponse<String> again = post("application/fhir+json", body.getBytes(StandardCharsets.UTF_8),
                "Idempotency-Key", key);
        assertEquals(messageId, again.headers().firstValue("X-Message-Id").orElse(null), again.body());
    }
}
