package no.knutepunkt.epj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpjStandinTest {

    private static final String TRANSACTION = """
            {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:1",
             "resource":{"resourceType":"MedicationDispense","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:abc"}]},
             "request":{"method":"POST","url":"MedicationDispense","ifNoneExist":"identifier=urn:ietf:rfc:3986|urn:uuid:abc"}}]}
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void conditionalCreateStoresOnceAndSurvivesRestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("epj.jsonl");
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, data)) {
            assertTrue(post(epj.baseUrl(), TRANSACTION).body().contains("201 Created"));
            assertTrue(post(epj.baseUrl(), TRANSACTION).body().contains("200 OK"));
            assertEquals(1, epj.list("MedicationDispense").size());
        }
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, data)) {
            assertEquals(1, epj.list("MedicationDispense").size());
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(epj.baseUrl()
                    + "/MedicationDispense?identifier=urn:ietf:rfc:3986%7Curn:uuid:abc")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(found.body().contains("\"total\":1"), found.body());
        }
    }

    @Test
    void aRestoreLosesWhatCameAfterTheBackupAndTheFileStaysReadable(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("epj.jsonl");
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, data)) {
            post(epj.baseUrl(), TRANSACTION);
            Thread.sleep(5);
            java.time.Instant backup = java.time.Instant.now();
            Thread.sleep(5);
            post(epj.baseUrl(), TRANSACTION.replace("abc", "def"));
            assertEquals(1, epj.restoreTo(backup));
            post(epj.baseUrl(), TRANSACTION.replace("abc", "ghi"));
            assertEquals(List.of("urn:uuid:abc", "urn:uuid:ghi"), values(epj));
        }
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, data)) {
            assertEquals(List.of("urn:uuid:abc", "urn:uuid:ghi"), values(epj), "read back from the file");
        }
    }

    private static List<String> values(EpjStandin epj) {
        return epj.list("MedicationDispense").stream().map(r -> r.path("identifier").get(0).path("value").asText())
                .toList();
    }

    @Test
    void failsWhenToldAndRecovers() throws Exception {
        try (EpjStandin epj = new EpjStandin("127.0.0.1", 0, null)) {
            epj.behave(new EpjStandin.Behaviour("fail", 503, 0));
            assertEquals(503, post(epj.baseUrl(), TRANSACTION).statusCode());
            assertEquals(0, epj.list("MedicationDispense").size());
            epj.behave(new EpjStandin.Behaviour("ok", 200, 0));
            assertEquals(200, post(epj.baseUrl(), TRANSACTION).statusCode());
            assertEquals(1, epj.list("MedicationDispense").size());
        }
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
