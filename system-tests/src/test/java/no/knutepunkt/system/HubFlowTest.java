package no.knutepunkt.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One hub, started with {@code ./knutepunkt up} as a newcomer would, driven through its public surfaces, and
 * stopped with {@code ./knutepunkt down}. Each step is a promise of the foundation issue.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubFlowTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORGNR = "312229544";
    /** National ids and names in the fixtures: none may reach a log line, a Kafka key or a header. */
    static final List<String> PERSONAL_DATA = List.of("14834540011", "02913846098", "21867844195",
            "Syntetisk Testperson", "Syntetisk Sykepleier", "Syntetisk Nattevakt", "Syntetisk Operatør");

    static Path fixture(String name) {
        Path shared = Hub.ROOT.resolve("../shared/fixtures/vkp").resolve(name).normalize();
        return Files.exists(shared) ? shared : Hub.ROOT.resolve("examples").resolve(name);
    }

    /** Where the services export their traces. */
    static TraceCollector traces;

    @BeforeAll
    static void up() throws Exception {
        traces = new TraceCollector(Hub.OTLP_PORT);
        Hub.run("down");
        Hub.Result up = Hub.run("up");
        assertEquals(0, up.exit(), up.output());
        assertTrue(up.output().contains("seeded"), up.output());
        // running it twice is harmless
        Hub.Result again = Hub.run("up");
        assertEquals(0, again.exit(), again.output());
    }

    @Test
    @Order(1)
    void theExampleDispenseEndsDeliveredAndTheEpjHoldsIt() throws Exception {
        Hub.Result sent = Hub.run("send", fixture("01-medication-dispense-success.json").toString());
        assertEquals(0, sent.exit(), sent.output());
        assertTrue(sent.output().contains("\"state\" : \"delivered\""), sent.output());
        JsonNode found = JSON.readTree(Hub.http("GET", Hub.EPJ
                + "/fhir/MedicationDispense?identifier=urn:ietf:rfc:3986%7Curn:uuid:69032b11-d99a-4102-a5cb-5f3272afd4f3",
                null, null).body());
        assertEquals(1, found.path("total").asInt(), found.toString());
    }

    /** `./knutepunkt send --help` read "--help" as a file name and printed a stack trace. */
    @Test
    @Order(1)
    void everyCommandsHelpIsItsUsageNeverAStackTrace() throws Exception {
        for (String[] command : new String[][] {{"send", "--help"}, {"token", "vendor", "-h"}, {"up", "--help"}}) {
            Hub.Result help = Hub.run(command);
            assertEquals(0, help.exit(), String.join(" ", command) + ": " + help.output());
            assertTrue(help.output().contains("usage"), help.output());
            assertFalse(help.output().contains("Exception"), help.output());
        }
    }

    /**
     * Once the services trust an external issuer, the local key signs nothing they accept: up (its seed) and send
     * then take their tokens from a command. This one logs what it is asked for and answers with a token of its own
     * choosing (a vendor system without a grant), so that the answer shows whose token was sent.
     */
    @Test
    @Order(1)
    void upAndSendTakeTheirTokensFromATokenCommand() throws Exception {
        Path log = Hub.HOME.resolve("token-command.log");
        Files.deleteIfExists(log);
        String knutepunkt = Hub.ROOT.resolve("knutepunkt").toString();
        String command = "echo \"$KNUTEPUNKT_TOKEN_ROLE $KNUTEPUNKT_TOKEN_ORGNR\" >> '" + log + "'; "
                + "case $KNUTEPUNKT_TOKEN_ROLE in "
                + "vendor) exec '" + knutepunkt + "' token vendor --vkp-id Kommando_System_" + ORGNR + " ;; "
                + "admin) exec '" + knutepunkt + "' token admin --orgnr \"$KNUTEPUNKT_TOKEN_ORGNR\" ;; "
                + "*) exec '" + knutepunkt + "' token \"$KNUTEPUNKT_TOKEN_ROLE\" ;; esac";
        Map<String, String> settings = Map.of("KNUTEPUNKT_TOKEN_COMMAND", command);
        Hub.Result up = Hub.run(settings, "up");
        assertEquals(0, up.exit(), up.output());
        assertTrue(up.output().contains("seeded"), up.output());
        Hub.Result sent = Hub.run(settings, "send", fixture("02-missed-dose-alarm.json").toString());
        assertEquals(3, sent.exit(), sent.output());
        assertTrue(sent.output().contains("denied (HTTP 403)"), sent.output());
        assertTrue(sent.output().contains("Kommando_System_" + ORGNR), sent.output());
        List<String> asked = Files.readAllLines(log);
        assertTrue(asked.contains("operator ") && asked.contains("admin " + ORGNR) && asked.contains("vendor "),
                asked.toString());
    }

    @Test
    @Order(2)
    void invalidFixturesGetAnOperationOutcomeAndNeverReachTheEpj() throws Exception {
        int before = count("MedicationDispense");
        int receivedBefore = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.MESSAGES_RECEIVED),
                Duration.ofSeconds(2)).size();
        for (String name : List.of("05-invalid-missing-patient-identifier.json", "06-invalid-unknown-resource-type.json")) {
            Hub.Result sent = Hub.run("send", fixture(name).toString());
            assertEquals(2, sent.exit(), sent.output());
            assertTrue(sent.output().contains("rejected: HTTP 400"), sent.output());
            assertTrue(sent.output().contains("\"resourceType\":\"OperationOutcome\""), sent.output());
        }
        Thread.sleep(1000);
        assertEquals(before, count("MedicationDispense"));
        assertEquals(0, JSON.readTree(Hub.http("GET", Hub.EPJ + "/fhir/MedicationDispense?identifier="
                + "urn:ietf:rfc:3986%7Curn:uuid:b7d74ee6-ca5d-49cb-8d2b-ded40bcd2226", null, null).body())
                .path("total").asInt());
        // (the bundles' identifiers are not on the log in clear even for accepted ones: count the events)
        assertEquals(receivedBefore, new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.MESSAGES_RECEIVED),
                Duration.ofSeconds(2)).size(), "rejected bundles are not in the log");
    }

    /** The stand-in EPJ's synthetic patients, whose records the read tests disclose. */
    static final List<String> READ_PATIENTS = List.of("12854849156", "03895211256", "27823990583", "08916133899",
            "Alarmbruker", "Sporingsbruker");
    static final String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readToken() throws Exception {
        List<String> args = new ArrayList<>(List.of("vendor"));
        for (String r : new java.util.TreeSet<>(no.knutepunkt.model.fhir.VkpReads.READABLE.keySet())) {
            args.addAll(List.of("--scope", "nhn:vkp/api/user/" + r + ".read"));
        }
        return Hub.token(args.toArray(String[]::new));
    }

    static HttpResponse<String> search(String method, String path, String token, String serviceCodes, String form)
            throws Exception {
        return search(ORGNR, method, path, token, serviceCodes, form);
    }

    /**
     * A municipality with a route (as given), a grant for one reading vendor system (every read scope, TA) and a
     * partner profile (TA: the alarm service); answers that system's token.
     */
    static String readingMunicipality(String orgnr, String route) throws Exception {
        String vkpId = "Lesesystem_Alarm_" + orgnr;
        HttpResponse<String> routed = Hub.api("PUT", Hub.ROUTING + "/routing/v1/routes/" + orgnr,
                Hub.token("operator"), route);
        assertTrue(routed.statusCode() / 100 == 2, routed.body());
        String admin = Hub.token("admin", "--orgnr", orgnr);
        List<String> scopes = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("vendor", "--vkp-id", vkpId));
        for (String r : new java.util.TreeSet<>(no.knutepunkt.model.fhir.VkpReads.READABLE.keySet())) {
            scopes.add("\"nhn:vkp/api/user/" + r + ".read\"");
            args.addAll(List.of("--scope", "nhn:vkp/api/user/" + r + ".read"));
        }
        assertEquals(201, Hub.api("POST", Hub.CONSENT + "/consent/v1/municipalities/" + orgnr + "/grants", admin,
                "{\"vkpId\":\"" + vkpId + "\",\"scopes\":[" + String.join(",", scopes) + "],\"serviceCodes\":"
                        + "[\"TA\"],\"legalBasis\":\"hol. § 3-2\"}").statusCode());
        assertEquals(200, Hub.api("PUT", Hub.CONSENT + "/consent/v1/municipalities/" + orgnr + "/partner-profile",
                admin, "{\"serviceCodes\": {\"TA\": [\"6\"]}}").statusCode());
        await().atMost(Duration.ofSeconds(15)).until(() -> Hub.api("GET", Hub.ROUTING + "/routing/v1/routes/"
                + orgnr, Hub.token("operator"), null).statusCode() == 200);
        return Hub.token(args.toArray(String[]::new));
    }

    static HttpResponse<String> search(String orgnr, String method, String path, String token, String serviceCodes,
            String form) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(Hub.INGEST
                + "/epj/r4/" + orgnr + "/" + path + ("GET".equals(method) && form != null ? "?" + form : "")))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
        if (serviceCodes != null) {
            b.header("ServiceCodes", serviceCodes);
        }
        if ("POST".equals(method)) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form == null ? "" : form));
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String vkpCode(HttpResponse<String> r) {
        return tree(r.body()).at("/issue/0/details/coding/0/code").asText();
    }

    /**
     * Need-to-know: only patients with an active service of the ServiceCodes asked for, as the municipality's partner
     * profile maps them to its EPJ's services, checked at each read; a changed profile and a revoked grant hold for
     * the very next read; a pull-only EPJ answers no reads.
     */
    @Test
    @Order(3)
    void needToKnowAndTheRegisterAreDecidedAtEachRead() throws Exception {
        SENT_PATIENTS.addAll(READ_PATIENTS);
        String token = readToken();
        // an alarm service that ended, no service at all, a GPS service but not an alarm
        for (String patient : List.of("27823990583", "08916133899", "03895211256")) {
            HttpResponse<String> refused = search("POST", "condition/_search", token, "ta",
                    "patient.identifier=" + patient);
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("1.3", vkpCode(refused), refused.body());
        }
        assertEquals(200, search("POST", "condition/_search", token, "gps", "patient.identifier=03895211256")
                .statusCode());
        // a list leaves out whoever has no such service
        List<String> alarm = new ArrayList<>();
        tree(search("POST", "patient/_search", token, "ta", "").body()).path("entry")
                .forEach(e -> alarm.add(e.at("/resource/identifier/0/value").asText()));
        assertEquals(List.of("12854849156"), alarm);
        assertEquals(2, tree(search("GET", "patient", token, "TA,GPS", null).body()).path("entry").size());
        assertEquals(1, tree(search("GET", "medicationstatement", token, "TA", null).body()).path("entry").size(),
                "the ended service's patient's medication is not listed");

        // the municipality changes its profile: the next read goes by it
        String admin = Hub.token("admin", "--orgnr", ORGNR);
        String profile = Hub.CONSENT + "/consent/v1/municipalities/" + ORGNR + "/partner-profile";
        JsonNode seeded = tree(Hub.api("GET", profile, admin, null).body());
        try {
            HttpResponse<String> changed = Hub.api("PUT", profile, admin, "{\"serviceCodes\": {\"TA\": [\"9%\"], "
                    + "\"MD\": [\"27\"]}}");
            assertEquals(200, changed.statusCode(), changed.body());
            HttpResponse<String> next = search("POST", "condition/_search", token, "ta", "patient.identifier="
                    + "12854849156");
            assertEquals("1.3", vkpCode(next), next.body());
            assertEquals("1.2", vkpCode(search("POST", "condition/_search", token, "gps", "")), "GPS unmapped");
        } finally {
            HttpResponse<String> back = Hub.api("PUT", profile, admin, JSON.createObjectNode()
                    .set("serviceCodes", seeded.path("serviceCodes")).toString());
            assertEquals(200, back.statusCode(), back.body());
        }
        JsonNode history = tree(Hub.api("GET", profile + "/history", admin, null).body());
        assertTrue(history.size() >= 3, history.toString());

        // a grant revoked: its sender's very next read is refused
        String vkpId = "Lesetest_" + UUID.randomUUID().toString().substring(0, 8) + "_" + ORGNR;
        String grants = Hub.CONSENT + "/consent/v1/municipalities/" + ORGNR + "/grants";
        HttpResponse<String> granted = Hub.api("POST", grants, admin, "{\"vkpId\":\"" + vkpId + "\",\"scopes\":"
                + "[\"nhn:vkp/api/user/careplan.read\"],\"serviceCodes\":[\"TA\"],\"legalBasis\":\"hol. § 3-2\"}");
        assertEquals(201, granted.statusCode(), granted.body());
        String reader = Hub.token("vendor", "--vkp-id", vkpId, "--scope", "nhn:vkp/api/user/careplan.read");
        assertEquals(200, search("GET", "careplan", reader, "ta", "patient.identifier=12854849156").statusCode());
        HttpResponse<String> revoked = Hub.api("POST", grants + "/" + tree(granted.body()).path("grantId").asText()
                + "/revoke", admin, "{\"reason\":\"avtalen er sagt opp\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        HttpResponse<String> after = search("GET", "careplan", reader, "ta", "patient.identifier=12854849156");
        assertEquals(403, after.statusCode(), after.body());
        assertEquals("1.1", vkpCode(after), after.body());

        // a municipality whose EPJ pulls its messages cannot be read through the hub: a clear answer, not a hang
        String pulling = "921234503";
        String pullToken = readingMunicipality(pulling, "{\"epjProduct\":\"gerica\",\"mode\":\"pull\"}");
        HttpResponse<String> pull = search(pulling, "GET", "careplan", pullToken, "ta", null);
        assertEquals(501, pull.statusCode(), pull.body());
        assertTrue(pull.body().contains("epj-pull-only"), pull.body());

        // Helseplattformen: Epic's FHIR R4 search by its own patient id, where Epic has the resource
        String epic = "921234511";
        String epicToken = readingMunicipality(epic, "{\"epjProduct\":\"helseplattformen\",\"mode\":\"push\","
                + "\"endpoint\":\"" + Hub.EPJ + "/fhir\"}");
        HttpResponse<String> epicPlan = search(epic, "POST", "careplan/_search", epicToken, "ta",
                "patient.identifier=12854849156");
        assertEquals(200, epicPlan.statusCode(), epicPlan.body());
        assertEquals("CarePlan", tree(epicPlan.body()).at("/entry/0/resource/resourceType").asText());
        HttpResponse<String> epicNotes = search(epic, "POST", "composition/_search", epicToken, "ta",
                "patient.identifier=12854849156");
        assertEquals(501, epicNotes.statusCode(), epicNotes.body());
        assertTrue(epicNotes.body().contains("epic-no-search"), epicNotes.body());
        assertEquals(501, search(epic, "GET", "patient", epicToken, "ta", null).statusCode());
        assertEquals("1.3", vkpCode(search(epic, "GET", "condition", epicToken, "ta",
                "patient.identifier=27823990583")));

        // every refusal is in the access log of the patient it was about: need-to-know's and consent's
        String log = Hub.AUDIT + "/audit/v1/municipalities/" + ORGNR + "/audit-events?patient=";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertTrue(Hub.api("GET", log + "27823990583", admin, null).body().contains("VKP code 1.3, rule "
                    + "missing-active-service"));
            assertTrue(Hub.api("GET", log + "12854849156", admin, null).body().contains("denied by consent: VKP code "
                    + "1.1"));
        });
    }

    /**
     * VKP's reads through the hub: each resource in both forms, HAPI's client with its POST search, precise refusals,
     * and an EPJ that is down or hangs answered within the deadline. Each read is a chain of events on the log.
     */
    @Test
    @Order(3)
    void vendorsReadTheEpjThroughTheHubInBothFormsAndWithHapi() throws Exception {
        SENT_PATIENTS.addAll(READ_PATIENTS);
        String token = readToken();
        String patient = "12854849156";
        HttpResponse<String> plan = search("POST", "careplan/_search", token, "ta",
                "patient.identifier=" + patient + "&date=ge2026-11-01&date=le2026-12-31");
        assertEquals(200, plan.statusCode(), plan.body());
        assertTrue(plan.headers().firstValue("Content-Type").orElse("").startsWith("application/fhir+json"));
        JsonNode plans = JSON.readTree(plan.body());
        assertEquals("searchset", plans.path("type").asText());
        assertEquals("CarePlan", plans.at("/entry/0/resource/resourceType").asText(), plan.body());
        assertEquals(1, plans.path("entry").size(), plan.body());
        String readId = plan.headers().firstValue("X-Read-Id").orElseThrow();

        for (String type : List.of("Patient", "EpisodeOfCare", "CarePlan", "Composition", "Condition",
                "AllergyIntolerance", "MedicationStatement")) {
            String by = ("Patient".equals(type) ? "identifier=" : "patient.identifier=") + FNR + "%7C" + patient;
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> r = search(method, type.toLowerCase() + ("POST".equals(method) ? "/_search"
                        : ""), token, "TA, md", by);
                assertEquals(200, r.statusCode(), type + " " + method + ": " + r.body());
                JsonNode entries = JSON.readTree(r.body()).path("entry");
                assertFalse(entries.isEmpty(), type + " " + method + ": " + r.body());
                entries.forEach(e -> assertEquals(type, e.at("/resource/resourceType").asText()));
            }
        }

        // HAPI's generic client: POST {base}/CarePlan/_search with its own Accept and a chained parameter
        ca.uhn.fhir.rest.client.api.IGenericClient hapi = ca.uhn.fhir.context.FhirContext.forR4Cached()
                .newRestfulGenericClient(Hub.INGEST + "/epj/r4/" + ORGNR);
        hapi.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(token));
        ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor codes =
                new ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor();
        codes.addHeaderValue("ServiceCodes", "ta");
        hapi.registerInterceptor(codes);
        org.hl7.fhir.r4.model.Bundle found = hapi.search().forResource(org.hl7.fhir.r4.model.CarePlan.class)
                .where(org.hl7.fhir.r4.model.CarePlan.PATIENT.hasChainedProperty(org.hl7.fhir.r4.model.Patient
                        .IDENTIFIER.exactly().systemAndIdentifier(FNR, patient)))
                .usingStyle(ca.uhn.fhir.rest.api.SearchStyleEnum.POST)
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
        assertEquals(1, found.getEntry().size());
        assertTrue(found.getEntryFirstRep().getResource() instanceof org.hl7.fhir.r4.model.CarePlan);

        // paging: the EPJ's links become the hub's, and HAPI follows them; need-to-know filters every page
        hapi.unregisterInterceptor(codes);
        codes = new ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor();
        codes.addHeaderValue("ServiceCodes", "ta,gps");
        hapi.registerInterceptor(codes);
        org.hl7.fhir.r4.model.Bundle page = hapi.search().forResource(org.hl7.fhir.r4.model.Patient.class).count(1)
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
        List<String> paged = new ArrayList<>();
        int pages = 1;
        while (true) {
            page.getEntry().forEach(e -> paged.add(e.getResource().getIdElement().getIdPart()));
            if (page.getLink("next") == null) {
                break;
            }
            assertTrue(page.getLink("next").getUrl().startsWith(Hub.INGEST + "/epj/r4/" + ORGNR + "/patient?"),
                    page.getLink("next").getUrl());
            assertFalse(page.getLink("next").getUrl().contains(Hub.EPJ), "the EPJ's address stays inside the hub");
            page = hapi.loadPage().next(page).execute();
            pages++;
        }
        assertEquals(List.of("rp-1", "rp-2"), paged, "the patients with TA or GPS, a page each");
        assertEquals(4, pages, "the EPJ's four patients, one a page; two pages left empty by need-to-know");
        // a page is its own search's: not another patient's, not altered
        HttpResponse<String> firstPage = search("GET", "episodeofcare", token, "ta,gps", "patient.identifier=" + patient
                + "&_count=1");
        assertEquals(200, firstPage.statusCode(), firstPage.body());
        String next = "";
        for (JsonNode link : JSON.readTree(firstPage.body()).path("link")) {
            next = link.path("relation").asText().equals("next") ? link.path("url").asText() : next;
        }
        assertTrue(next.startsWith(Hub.INGEST + "/epj/r4/" + ORGNR + "/episodeofcare?") && next.contains("_page="),
                firstPage.body());
        HttpResponse<String> second = search("GET", "episodeofcare", token, "ta,gps",
                next.substring(next.indexOf('?') + 1));
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(1, JSON.readTree(second.body()).path("entry").size(), second.body());
        assertFalse(JSON.readTree(firstPage.body()).at("/entry/0/resource/id").equals(JSON.readTree(second.body())
                .at("/entry/0/resource/id")), "the next page holds the next episode");
        String pageToken = next.substring(next.indexOf("_page=") + 6);
        HttpResponse<String> otherPatient = search("GET", "episodeofcare", token, "ta,gps",
                "patient.identifier=03895211256&_count=1&_page=" + pageToken);
        assertEquals(400, otherPatient.statusCode(), otherPatient.body());
        assertTrue(otherPatient.body().contains("search-page"), otherPatient.body());
        HttpResponse<String> altered = search("GET", "episodeofcare", token, "ta,gps", "patient.identifier="
                + patient + "&_count=1&_page=" + pageToken.substring(0, 20) + "AAAA" + pageToken.substring(24));
        assertEquals(400, altered.statusCode(), altered.body());

        // the demo vendor's command: a read, and a ServiceCode the municipality did not grant it
        Hub.Result cli = Hub.run("read", "careplan", "--patient", patient, "--service-codes", "ta,md");
        assertEquals(0, cli.exit(), cli.output());
        assertTrue(cli.output().contains("1 careplan record(s)"), cli.output());
        Hub.Result refused = Hub.run("read", "condition", "--service-codes", "dt");
        assertEquals(3, refused.exit(), refused.output());
        assertTrue(refused.output().contains("HTTP 403 (VKP 1.2)"), refused.output());

        // refusals: each with its VKP code, and the EPJ never asked
        HttpResponse<String> noCodes = search("POST", "careplan/_search", token, null, "patient.identifier=" + patient);
        assertEquals(400, noCodes.statusCode());
        assertTrue(noCodes.body().contains("\"2.3\""), noCodes.body());
        HttpResponse<String> unknownCode = search("POST", "careplan/_search", token, "ta,xx", "");
        assertEquals(400, unknownCode.statusCode());
        assertTrue(unknownCode.body().contains("\"2.4\""), unknownCode.body());
        HttpResponse<String> badId = search("POST", "careplan/_search", token, "ta", "patient.identifier=12345678901");
        assertEquals(400, badId.statusCode());
        assertTrue(badId.body().contains("\"2.1\""), badId.body());
        HttpResponse<String> notGranted = search("POST", "careplan/_search", token, "rt", "");
        assertEquals(403, notGranted.statusCode(), notGranted.body());
        assertTrue(notGranted.body().contains("\"1.2\"") && notGranted.body().contains("RT"), notGranted.body());
        HttpResponse<String> noScope = search("POST", "careplan/_search", Hub.token("vendor"), "ta",
                "patient.identifier=" + patient);
        assertEquals(403, noScope.statusCode());
        assertTrue(noScope.body().contains("careplan.read"), noScope.body());

        // the EPJ down: 503 with Retry-After; hanging: 504 (VKP 3.1) at the deadline; the hub answers throughout
        try {
            Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"fail\",\"status\":503}");
            HttpResponse<String> down = search("GET", "condition", token, "ta", "patient.identifier=" + patient);
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.headers().firstValue("Retry-After").isPresent());
            Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"hang\",\"delayMs\":16000}");
            long start = System.nanoTime();
            HttpResponse<String> hanging = search("GET", "condition", token, "ta", "patient.identifier=" + patient);
            long took = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, hanging.statusCode(), hanging.body());
            assertTrue(hanging.body().contains("\"3.1\""), hanging.body());
            assertTrue(took >= 7500 && took < 12_000, "answered at the 8 s deadline, not the EPJ's 16 s: " + took
                    + " ms");
        } finally {
            Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"ok\"}");
        }

        // the first read's chain: requested → authorized → routed → answered, with what it disclosed
        List<ConsumerRecord<String, String>> chain = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.READS_REQUESTED,
                Topics.READ_DECISIONS, Topics.READS_ROUTED, Topics.READ_OUTCOMES), Duration.ofSeconds(3)).stream()
                .filter(r -> tree(r.value()).path("correlationid").asText().equals(readId))
                .sorted(java.util.Comparator.comparing(r -> java.time.Instant.parse(tree(r.value()).path("time")
                        .asText()))).toList();
        List<String> types = chain.stream().map(r -> tree(r.value()).path("type").asText()).toList();
        assertEquals(List.of("no.knutepunkt.read.requested.v1", "no.knutepunkt.read.authorized.v1",
                "no.knutepunkt.read.routed.v1", "no.knutepunkt.read.answered.v1"), types);
        JsonNode answered = JSON.readTree(chain.get(3).value()).path("data");
        assertEquals(1, answered.at("/disclosed/CarePlan").asInt(), answered.toString());
        assertTrue(answered.path("result").asText().startsWith("kp-sealed:v1:"));
        assertFalse(answered.path("patientKeys").isEmpty());
        assertTrue(JSON.readTree(chain.get(0).value()).at("/data/query").asText().startsWith("kp-sealed:v1:"));

        // the municipality's access log: each read and each refusal, as a BALP query AuditEvent, for the patient
        String admin = Hub.token("admin", "--orgnr", ORGNR);
        HttpResponse<String> list = search("POST", "patient/_search", token, "ta", "");
        String listId = list.headers().firstValue("X-Read-Id").orElseThrow();
        String events = Hub.AUDIT + "/audit/v1/municipalities/" + ORGNR + "/audit-events?patient=" + patient;
        await().atMost(Duration.ofSeconds(30)).until(() -> Hub.api("GET", events, admin, null).body()
                .contains(listId));
        JsonNode log = tree(Hub.api("GET", events, admin, null).body());
        List<JsonNode> queries = new ArrayList<>();
        log.path("entry").forEach(e -> {
            if ("search-type".equals(e.at("/resource/subtype/0/code").asText())) {
                queries.add(e.path("resource"));
            }
        });
        JsonNode first = queries.stream().filter(q -> q.toString().contains(readId)).findFirst().orElseThrow();
        assertEquals("disclosed 1 CarePlan", first.path("outcomeDesc").asText(), first.toString());
        assertTrue(first.toString().contains("careplan for ServiceCodes TA"), first.toString());
        assertTrue(first.toString().contains("Demoleverandor_Demosystem_" + ORGNR), first.toString());
        assertTrue(queries.stream().anyMatch(q -> q.toString().contains(listId)), "a list read is in the log of "
                + "each patient it disclosed");
        assertTrue(queries.stream().anyMatch(q -> "4".equals(q.path("outcome").asText())
                && q.path("outcomeDesc").asText().contains("epj-unavailable")), "an unanswered read is logged too");
        assertTrue(queries.stream().anyMatch(q -> "4".equals(q.path("outcome").asText()) && q.path("outcomeDesc")
                .asText().equals("refused by the hub, HTTP 403: VKP code 1.4, rule vkp-scope")), "a read refused at "
                + "the door (a token without the read's scope) is logged too: " + queries);
        assertFalse(log.toString().contains(patient), "the national id is not in the export");
        // the index rebuilt from the log gives the same export
        String before = Hub.api("GET", events, admin, null).body();
        assertEquals(200, Hub.api("POST", Hub.AUDIT + "/audit/v1/index/rebuild", Hub.token("operator"), null)
                .statusCode());
        assertEquals(before, Hub.api("GET", events, admin, null).body());

        // a list's result is unreadable once answered; one patient's goes with the patient's erasure
        ConsumerRecord<String, String> listAnswer = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.READ_OUTCOMES),
                Duration.ofSeconds(2)).stream().filter(r -> tree(r.value()).path("correlationid").asText()
                        .equals(listId)).findFirst().orElseThrow();
        try (Vault vault = Vault.open()) {
            assertTrue(vault.erased(listId, tree(listAnswer.value()).at("/data/result").asText()));
            String result = answered.path("result").asText();
            assertTrue(vault.read(readId, result).contains("\"CarePlan\""));
            HttpResponse<String> erased = Hub.api("POST", Hub.AUDIT + "/audit/v1/municipalities/" + ORGNR
                    + "/erasures", admin, "{\"patient\":\"" + patient + "\",\"reason\":\"krav om sletting\"}");
            assertEquals(201, erased.statusCode(), erased.body());
            assertTrue(vault.erased(readId, result), "the patient's read result is erased with the patient");
        }
        // and the patient can be read again: a new key seals what comes next
        assertEquals(200, search("POST", "careplan/_search", token, "ta", "patient.identifier=" + patient)
                .statusCode());
    }

    @Test
    @Order(3)
    void aVendorWithoutGrantHearsItInTheSameRequestAndOnlyADenialIsLogged() throws Exception {
        String token = Hub.token("vendor", "--vkp-id", "Ukjent_System_" + ORGNR);
        HttpResponse<String> posted = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", token,
                fresh("02-missed-dose-alarm.json"));
        assertEquals(403, posted.statusCode(), posted.body());
        JsonNode outcome = JSON.readTree(posted.body());
        assertEquals("1.2", outcome.path("issue").path(0).path("details").path("coding").path(0).path("code").asText());
        String messageId = posted.headers().firstValue("X-Message-Id").orElseThrow();
        String location = java.net.URI.create(Hub.INGEST).resolve(posted.headers().firstValue("Location").orElseThrow()).toString();
        JsonNode status = JSON.readTree(Hub.http("GET", location, token, null).body());
        assertEquals("denied", status.path("state").asText(), status.toString());
        assertEquals("1.2", status.path("reason").path("code").asText());
        assertTrue(status.path("reason").path("text").asText().contains("no grant"));

        // the log holds the received event and the denial, and nothing downstream of it
        Thread.sleep(1000);
        List<String> types = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.MESSAGES_RECEIVED,
                Topics.CONSENT_DECISIONS, Topics.ROUTING_DECISIONS, Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(2))
                .stream().map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value()))
                .filter(e -> messageId.equals(e.correlationid())).map(e -> e.type()).toList();
        assertEquals(List.of("no.knutepunkt.message.received.v1", "no.knutepunkt.consent.denied.v1"),
                types.stream().sorted(java.util.Comparator.comparing(t -> t.contains("received") ? 0 : 1)).toList());

        // without waiting (Prefer: respond-async) the same sender gets 202 and the denial in the status
        HttpResponse<String> async = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", token,
                fresh("02-missed-dose-alarm.json"), "respond-async");
        assertEquals(202, async.statusCode(), async.body());
        String asyncLocation = java.net.URI.create(Hub.INGEST).resolve(async.headers().firstValue("Location").orElseThrow()).toString();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals("denied", JSON.readTree(Hub.http("GET", asyncLocation, token, null).body())
                        .path("state").asText()));
    }

    @Test
    @Order(3)
    void aMunicipalityGrantsAndTheMessageIsDeliveredThenRevokesAndTheNextIsDenied() throws Exception {
        String vkpId = "Nyleverandor_" + UUID.randomUUID().toString().substring(0, 8) + "_" + ORGNR;
        String admin = Hub.token("admin", "--orgnr", ORGNR);
        String grants = Hub.CONSENT + "/consent/v1/municipalities/" + ORGNR + "/grants";
        String vendor = Hub.token("vendor", "--vkp-id", vkpId);
        String body = fresh("01-medication-dispense-success.json");
        // sent before the municipality granted anything: denied; the vendor queues it to send again after onboarding
        HttpResponse<String> early = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", vendor, body);
        assertEquals(403, early.statusCode(), early.body());
        HttpResponse<String> granted = Hub.api("POST", grants, admin, "{\"vkpId\":\"" + vkpId + "\",\"vendor\":"
                + "\"Nyleverandor\",\"system\":\"Dispenser\",\"scopes\":[\"nhn:vkp/api/user/bundle.write\"],"
                + "\"legalBasis\":\"hol. § 3-2\"}");
        assertEquals(201, granted.statusCode(), granted.body());
        String grantId = JSON.readTree(granted.body()).path("grantId").asText();

        String dispenseId = JSON.readTree(body).path("entry").path(0).path("resource").path("identifier").path(0)
                .path("value").asText();
        // the same bundle sent again unchanged: decided afresh under the grant (the denial used to be replayed for ever)
        await().atMost(Duration.ofSeconds(15)).until(() -> Hub.api("GET", grants + "/" + grantId, admin, null)
                .statusCode() == 200);
        HttpResponse<String> sent = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", vendor, body);
        assertEquals(202, sent.statusCode(), sent.body());
        assertFalse(early.headers().firstValue("X-Message-Id").equals(sent.headers().firstValue("X-Message-Id")),
                "a new message, not the denied one");
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(List.of(dispenseId)) == 1);

        HttpResponse<String> revoked = Hub.api("POST", grants + "/" + grantId + "/revoke", admin,
                "{\"reason\":\"avtalen er sagt opp\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        long start = System.nanoTime();
        HttpResponse<String> next = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", vendor,
                fresh("01-medication-dispense-success.json"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(403, next.statusCode(), next.body());
        assertEquals("1.1", JSON.readTree(next.body()).path("issue").path(0).path("details").path("coding").path(0)
                .path("code").asText());
        System.out.printf("the first message after the revocation was denied in the same request, in %d ms%n", millis);

        // the municipality sees both decisions, and the grant's history
        String messageId = next.headers().firstValue("X-Message-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals("grant-revoked", JSON.readTree(Hub.api(
                "GET", Hub.CONSENT + "/consent/v1/municipalities/" + ORGNR + "/decisions/" + messageId, admin, null)
                .body()).path("decision").path("rule").asText()));
        JsonNode history = JSON.readTree(Hub.api("GET", grants + "/" + grantId + "/history", admin, null).body());
        assertEquals(2, history.size(), history.toString());
    }

    @Test
    @Order(3)
    void oneMessagesTraceRunsFromTheVendorsRequestThroughEveryServiceToTheEpj() throws Exception {
        String vendor = Hub.token("vendor", "--vkp-id", "Demoleverandor_Demosystem_" + ORGNR);
        String body = fresh("01-medication-dispense-success.json");
        String dispenseId = JSON.readTree(body).path("entry").path(0).path("resource").path("identifier").path(0)
                .path("value").asText();
        HttpResponse<String> sent = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", vendor, body);
        assertEquals(202, sent.statusCode(), sent.body());
        String messageId = sent.headers().firstValue("X-Message-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(List.of(dispenseId)) == 1);

        // the message's events on the four stages' topics carry one trace
        Map<String, String> traceOfEvent = new java.util.TreeMap<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            traceOfEvent.clear();
            traceOfEvent.putAll(traceparents(messageId));
            assertEquals(Set.of("no.knutepunkt.message.received.v1", "no.knutepunkt.consent.authorized.v1",
                    "no.knutepunkt.routing.routed.v1", "no.knutepunkt.delivery.delivered.v1"), traceOfEvent.keySet());
        });
        Set<String> traceIds = traceOfEvent.values().stream().map(t -> t.split("-")[1]).collect(Collectors.toSet());
        assertEquals(1, traceIds.size(), "one trace: " + traceOfEvent);
        String traceId = traceIds.iterator().next();

        // and the spans exported by the services make one tree, rooted in the vendor's request to ingest
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<TraceCollector.Span> trace = traces.spans().stream().filter(s -> s.traceId().equals(traceId))
                    .toList();
            Set<String> services = trace.stream().map(TraceCollector.Span::service).collect(Collectors.toSet());
            assertTrue(services.containsAll(Set.of("ingest-service", "consent-service", "routing-service",
                    "delivery-service")), "services in the trace: " + services);
            assertTrue(trace.stream().anyMatch(s -> s.service().equals("delivery-service")
                    && s.name().equals("deliver to EPJ") && messageId.equals(s.attributes()
                    .get("knutepunkt.message.id"))), "the delivery attempt is a span of the trace: " + trace);
            Set<String> ids = trace.stream().map(TraceCollector.Span::spanId).collect(Collectors.toSet());
            List<TraceCollector.Span> roots = trace.stream().filter(s -> !ids.contains(s.parentSpanId())).toList();
            assertEquals(1, roots.size(), "one root, every other span's parent in the trace: " + roots);
            assertEquals("ingest-service", roots.get(0).service());
            assertEquals(messageId, roots.get(0).attributes().get("knutepunkt.message.id"));
        });
        Set<String> tagged = traces.spans().stream().filter(s -> messageId.equals(s.attributes()
                .get("knutepunkt.message.id"))).map(TraceCollector.Span::traceId).collect(Collectors.toSet());
        assertEquals(Set.of(traceId), tagged, "every span tagged with the message id is in its trace");
    }

    /** The W3C traceparent header of each of a message's events on the stages' topics, by event type. */
    static Map<String, String> traceparents(String messageId) {
        Map<String, String> found = new java.util.TreeMap<>();
        for (ConsumerRecord<String, String> r : new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.MESSAGES_RECEIVED,
                Topics.CONSENT_DECISIONS, Topics.ROUTING_DECISIONS, Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(2))) {
            var envelope = no.knutepunkt.model.event.EventCodec.decode(r.value());
            Header header = r.headers().lastHeader("traceparent");
            if (messageId.equals(envelope.correlationid()) && header != null) {
                found.put(envelope.type(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return found;
    }

    @Test
    @Order(3)
    void anEpjThatPullsAcknowledgesAndTheVendorSeesJournaledWhileAnotherMunicipalitySeesNothing() throws Exception {
        String pulling = "921234566";
        String vkpId = "Pullleverandor_Alarm_" + pulling;
        municipality(pulling, "{\"epjProduct\":\"gerica\",\"mode\":\"pull\"}", vkpId);

        String vendor = Hub.token("vendor", "--vkp-id", vkpId);
        HttpResponse<String> sent = Hub.http("POST", Hub.INGEST + "/epj/r4/" + pulling + "/bundle", vendor,
                fresh("02-missed-dose-alarm.json"));
        assertEquals(202, sent.statusCode(), sent.body());
        String messageId = sent.headers().firstValue("X-Message-Id").orElseThrow();
        String status = java.net.URI.create(Hub.INGEST).resolve(sent.headers().firstValue("Location").orElseThrow())
                .toString();

        String epj = Hub.token("epj", "--orgnr", pulling);
        await().atMost(Duration.ofSeconds(30)).until(() -> Hub.api("GET", Hub.DELIVERY
                + "/v1/epj/messages?pending=true", epj, null).body().contains("urn:uuid:" + messageId));
        assertFalse(Hub.api("GET", Hub.DELIVERY + "/v1/epj/messages", Hub.token("epj", "--orgnr", ORGNR), null)
                .body().contains(messageId), "another municipality's EPJ sees none of it");
        HttpResponse<String> acknowledged = Hub.api("POST", Hub.DELIVERY + "/v1/epj/messages/" + messageId
                + "/$journaling-acknowledged", epj, null);
        assertEquals(200, acknowledged.statusCode(), acknowledged.body());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals("journaled",
                JSON.readTree(Hub.http("GET", status, vendor, null).body()).path("state").asText()));
        // the acknowledgement came in the EPJ's own request, yet the journaled event is in the message's trace
        Map<String, String> traceOfEvent = traceparents(messageId);
        assertEquals(1, traceOfEvent.values().stream().map(t -> t.split("-")[1]).distinct().count(),
                traceOfEvent.toString());
        assertTrue(traceOfEvent.containsKey("no.knutepunkt.delivery.journaled.v1"), traceOfEvent.toString());
    }

    @Test
    @Order(4)
    void stoppingDeliveryWhileAnAttemptIsUnderWayFinishesAndRecordsItBeforeExiting() throws Exception {
        String token = Hub.token("vendor");
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"slow\",\"delayMs\":4000}");
        String messageId;
        boolean stopped = false;
        try {
            HttpResponse<String> posted = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", token,
                    fresh("01-medication-dispense-success.json"), "respond-async");
            assertEquals(202, posted.statusCode(), posted.body());
            messageId = posted.headers().firstValue("X-Message-Id").orElseThrow();
            // the attempt is under way once the EPJ has the request; it answers 4 s after it came
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> JSON.readTree(
                    Hub.http("GET", Hub.EPJ + "/control", null, null).body()).path("inFlight").asInt() > 0);
            // SIGTERM, as Kubernetes stops a pod
            Hub.Result stop = Hub.run("stop", "delivery-service");
            assertEquals(0, stop.exit(), stop.output());
            stopped = true;
        } finally {
            Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"ok\"}");
            if (!stopped) {
                Hub.run("start", "delivery-service");
            }
        }
        try {
            // the stopping pod finished the attempt and wrote its outcome before it exited
            assertEquals(List.of(1), deliveredAttempts(messageId), "delivered once, at the first attempt, before exit");
        } finally {
            Hub.Result started = Hub.run("start", "delivery-service");
            assertEquals(0, started.exit(), started.output());
        }
        Thread.sleep(3000);
        assertEquals(List.of(1), deliveredAttempts(messageId), "the next pod sends nothing again");
    }

    /** The attempt counts of a message's MessageDelivered events; any failed attempt fails the test. */
    static List<Integer> deliveredAttempts(String messageId) {
        List<Integer> attempts = new ArrayList<>();
        for (ConsumerRecord<String, String> r : new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.DELIVERY_OUTCOMES),
                Duration.ofSeconds(2))) {
            var envelope = no.knutepunkt.model.event.EventCodec.decode(r.value());
            if (messageId.equals(envelope.correlationid())) {
                assertFalse(envelope.payload() instanceof no.knutepunkt.model.event.DeliveryAttemptFailed,
                        envelope.toString());
                if (envelope.payload() instanceof no.knutepunkt.model.event.MessageDelivered d) {
                    attempts.add(d.attempts());
                }
            }
        }
        return attempts;
    }

    @Test
    @Order(4)
    void killingDeliveryWhileMessagesAreInFlightLosesNone() throws Exception {
        String token = Hub.token("vendor");
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"slow\",\"delayMs\":300}");
        List<String> identifiers = new ArrayList<>();
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "urn:uuid:" + UUID.randomUUID();
            identifiers.add(id);
            String body = Files.readString(fixture("01-medication-dispense-success.json"))
                    .replace("urn:uuid:69032b11-d99a-4102-a5cb-5f3272afd4f3", id)
                    .replace("urn:uuid:52fec24a-1fe6-429c-ac39-4a36091b91c2", "urn:uuid:" + UUID.randomUUID());
            HttpResponse<String> posted = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", token, body);
            assertEquals(202, posted.statusCode(), posted.body());
            locations.add(java.net.URI.create(Hub.INGEST).resolve(posted.headers().firstValue("Location").orElseThrow()).toString());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(identifiers) >= 1);
        Hub.Result killed = Hub.run("kill", "delivery-service");
        assertEquals(0, killed.exit(), killed.output());
        assertTrue(countOf(identifiers) < identifiers.size(), "the kill came while messages were in flight");
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"ok\"}");
        Hub.Result started = Hub.run("start", "delivery-service");
        assertEquals(0, started.exit(), started.output());

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String location : locations) {
                assertEquals("delivered", JSON.readTree(Hub.http("GET", location, token, null).body())
                        .path("state").asText(), location);
            }
        });
        for (String id : identifiers) {
            assertEquals(1, JSON.readTree(Hub.http("GET", Hub.EPJ + "/fhir/MedicationDispense?identifier="
                    + "urn:ietf:rfc:3986%7C" + id, null, null).body()).path("total").asInt(), id);
        }
    }

    @Test
    @Order(5)
    void aRetryStormYieldsOneMessageAndOneDelivery() throws Exception {
        String token = Hub.token("vendor");
        String body = fresh("01-medication-dispense-success.json");
        String dispenseId = JSON.readTree(body).path("entry").path(0).path("resource").path("identifier").path(0)
                .path("value").asText();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(25);
        Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    HttpResponse<String> r = Hub.http("POST", Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle", token, body);
                    r.headers().firstValue("X-Message-Id").ifPresent(ids::add);
                    return r.statusCode();
                }));
            }
            for (var answer : answers) {
                assertEquals(202, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, ids.size(), "one message for 50 concurrent sends");
        String messageId = ids.iterator().next();
        await().atMost(Duration.ofSeconds(30)).until(() -> countOf(List.of(dispenseId)) == 1);
        Thread.sleep(1500);
        assertEquals(1, countOf(List.of(dispenseId)));
        long deliveries = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(2))
                .stream().map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value()))
                .filter(e -> messageId.equals(e.correlationid())).count();
        assertEquals(1, deliveries, "one delivery");
    }

    @Test
    @Order(5)
    void killingEachServiceInTurnAndTheBrokerUnderLoadDeliversEveryAcceptedMessageOnce() throws Exception {
        // a municipality of its own, so that the drill's messages stay out of the other tests' counts
        String drilled = "974760673";
        String vkpId = "Krasjleverandor_Dispenser_" + drilled;
        municipality(drilled, PUSH_TO_STANDIN, vkpId);
        String token = Hub.token("vendor", "--vkp-id", vkpId);
        Map<String, String> accepted = new java.util.concurrent.ConcurrentHashMap<>(); // message id -> dispense id
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (sending.get()) {
                try {
                    String body = fresh("01-medication-dispense-success.json");
                    HttpResponse<String> r = Hub.http("POST", Hub.INGEST + "/epj/r4/" + drilled + "/bundle", token,
                            body, "respond-async");
                    if (r.statusCode() == 202) {
                        accepted.put(r.headers().firstValue("X-Message-Id").orElseThrow(), dispenseOf(body));
                    }
                    Thread.sleep(200);
                } catch (IOException e) {
                    // ingest or the broker is down: not accepted, and the vendor would send it again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "load");
        load.start();
        try {
            for (String target : List.of("consent-service", "routing-service", "audit-service", "ingest-service",
                    "kafka")) {
                Thread.sleep(1500);
                Hub.Result killed = Hub.run("kill", target);
                assertEquals(0, killed.exit(), killed.output());
                Thread.sleep(500);
                Hub.Result started = Hub.run("start", target);
                assertEquals(0, started.exit(), target + ": " + started.output());
            }
            Thread.sleep(2000);
        } finally {
            sending.set(false);
            load.join(30_000);
        }
        assertTrue(accepted.size() >= 20, "messages were accepted during the drill: " + accepted.size());
        // within 60 s of the last restart, every accepted message is in the EPJ, each once
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> countOf(List.copyOf(accepted.values())) == accepted.size());
        Map<String, Long> delivered = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.DELIVERY_OUTCOMES),
                Duration.ofSeconds(2)).stream().map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value()))
                .filter(e -> e.payload() instanceof no.knutepunkt.model.event.MessageDelivered
                        && accepted.containsKey(e.correlationid()))
                .collect(Collectors.groupingBy(no.knutepunkt.model.event.EventEnvelope::correlationid,
                        Collectors.counting()));
        assertEquals(accepted.keySet(), delivered.keySet(), "every accepted message delivered");
        // the EPJ holds each once (counted by identifier, above); a send repeated after a crash finds what it made
        System.out.printf("crash drill: %d messages accepted while five processes were killed and restarted; all in "
                + "the EPJ once; %d delivered twice%n", accepted.size(), delivered.values().stream()
                .filter(n -> n > 1).count());
    }

    @Test
    @Order(5)
    void anEpjDownDuringLoadGetsEverythingAfterwardsInEachPatientsOrderAndIsOnlyProbedMeanwhile() throws Exception {
        String orgnr = "964338531";
        String vkpId = "Utfallsleverandor_Dispenser_" + orgnr;
        municipality(orgnr, PUSH_TO_STANDIN, vkpId);
        String token = Hub.token("vendor", "--vkp-id", vkpId);
        java.util.Random random = new java.util.Random(7);
        List<String> patients = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> no.knutepunkt.model.identity.NationalId.synthetic(random)).toList();
        SENT_PATIENTS.addAll(patients);
        Map<String, List<String>> sentByPatient = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = new Thread(() -> {
            for (int i = 0; sending.get(); i++) {
                try {
                    String patient = patients.get(i % patients.size());
                    String body = fresh("01-medication-dispense-success.json").replace("14834540011", patient);
                    HttpResponse<String> r = Hub.http("POST", Hub.INGEST + "/epj/r4/" + orgnr + "/bundle", token,
                            body, "respond-async");
                    assertEquals(202, r.statusCode(), r.body());
                    sentByPatient.computeIfAbsent(patient, p -> new ArrayList<>()).add(dispenseOf(body));
                    accepted.add(dispenseOf(body));
                    Thread.sleep(200);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "load");
        load.start();
        Thread.sleep(3000);
        int deliveredBefore = countOf(List.copyOf(accepted));
        java.time.Instant down;
        int waitingAtReturn;
        try {
            Hub.Result killed = Hub.run("kill", "epj-standin");
            assertEquals(0, killed.exit(), killed.output());
            down = java.time.Instant.now();
            Thread.sleep(OUTAGE.toMillis());
            waitingAtReturn = accepted.size() - deliveredBefore;
        } finally {
            Hub.Result started = Hub.run("start", "epj-standin");
            assertEquals(0, started.exit(), started.output());
        }
        java.time.Instant back = java.time.Instant.now();
        Thread.sleep(3000);
        sending.set(false);
        load.join(30_000);

        // everything after the return: within the circuit's longest open period (30 s) and the drain
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> countOf(List.copyOf(accepted)) == accepted.size());
        Duration drained = Duration.between(back, java.time.Instant.now());
        List<String> arrived = JSON.readTree(Hub.http("GET", Hub.EPJ + "/fhir/MedicationDispense", null, null).body())
                .path("entry").findValues("resource").stream()
                .map(r -> r.path("identifier").path(0).path("value").asText()).toList();
        for (List<String> sent : sentByPatient.values()) {
            assertEquals(sent, arrived.stream().filter(sent::contains).toList(), "one patient's order");
        }
        assertEquals(accepted.size(), arrived.stream().filter(Set.copyOf(accepted)::contains).count(), "each once");

        // retry traffic: the circuit's first failures, then one probe per open period (1 s doubling to 30 s)
        long failed = new TopicProbe(Hub.KAFKA).readAll(List.of(Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(2))
                .stream().map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value()).payload())
                .filter(e -> e instanceof no.knutepunkt.model.event.DeliveryAttemptFailed f
                        && !f.failedAt().isBefore(down) && f.failedAt().isBefore(back))
                .count();
        long bound = 8 + 3 + probesWithin(Duration.between(down, back)); // 8 side by side is the default
        System.out.printf("EPJ outage: down %d s under ~5 msgs/s; %d waiting at its return; %d failed attempts "
                + "meanwhile (bound %d); all %d delivered in each patient's order %d s after the return%n",
                Duration.between(down, back).toSeconds(), waitingAtReturn, failed, bound, accepted.size(),
                drained.toSeconds());
        assertTrue(waitingAtReturn >= 50, "messages waited for the EPJ: " + waitingAtReturn);
        assertTrue(failed >= 3 && failed <= bound, failed + " failed attempts during the outage, bound " + bound);
    }

    static void awaitReady(List<String> services) {
        for (String service : services) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertEquals(200, Hub.http("GET", service + "/q/health/ready", null, null).statusCode(), service));
        }
    }

    @Test
    @Order(5)
    void everyServiceIsNotReadyWhileTheBrokerOrTheDatabaseIsAwayAndReadyWhenItIsBack() throws Exception {
        List<String> services = List.of(Hub.INGEST, Hub.CONSENT, Hub.ROUTING, Hub.DELIVERY, Hub.AUDIT);
        // the failing check named in the answer: SmallRye Reactive Messaging for the broker, the connections for
        // the database (every service keeps a projection in it)
        for (var away : Map.of("kafka", "Reactive Messaging", "postgresql", "PostgreSQL").entrySet()) {
            // ready first (a drill before this one may have restarted the broker or a service)
            awaitReady(services);
            Hub.Result killed = Hub.run("kill", away.getKey());
            assertEquals(0, killed.exit(), killed.output());
            try {
                for (String service : services) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        HttpResponse<String> ready = Hub.http("GET", service + "/q/health/ready", null, null);
                        assertEquals(503, ready.statusCode(), service + " " + ready.body());
                        JsonNode down = JSON.readTree(ready.body()).path("checks");
                        assertTrue(java.util.stream.StreamSupport.stream(down.spliterator(), false).anyMatch(c ->
                                "DOWN".equals(c.path("status").asText()) && c.path("name").asText()
                                        .contains(away.getValue())), service + " names " + away.getKey() + ": " + down);
                    });
                    // alive all the same: Kubernetes must not restart a pod because its broker or database is away
                    assertEquals(200, Hub.http("GET", service + "/q/health/live", null, null).statusCode(), service);
                }
            } finally {
                Hub.Result started = Hub.run("start", away.getKey());
                assertEquals(0, started.exit(), started.output());
            }
            awaitReady(services);
        }
    }

    /** A route that pushes to the EPJ stand-in. */
    static final String PUSH_TO_STANDIN = "{\"epjProduct\":\"generic-fhir\",\"mode\":\"push\",\"endpoint\":\""
            + Hub.EPJ + "/fhir\"}";

    /** Synthetic national ids the tests sent beside the fixtures' people: the scan looks for them too. */
    static final List<String> SENT_PATIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The outage of the CI variant; {@code ./knutepunkt bench outage} runs the ten-minute one. */
    static final Duration OUTAGE = Duration.ofSeconds(30);

    /** Probes an open circuit lets through in {@code outage}: one per period, 1 s doubling to 30 s. */
    static long probesWithin(Duration outage) {
        long probes = 0;
        for (long elapsed = 0, period = 1; elapsed <= outage.toSeconds(); elapsed += period, period = Math.min(
                period * 2, 30)) {
            probes++;
        }
        return probes;
    }

    @Test
    @Order(6)
    void theTrailsOfADeliveredADeniedAndADeadLetteredThenResentMessageShowEveryStepAfterAReplay() throws Exception {
        String vendor = Hub.token("vendor");
        String first = fresh("01-medication-dispense-success.json");
        String delivered = sent(vendor, ORGNR, first, 202);
        String denied = sent(Hub.token("vendor", "--vkp-id", "Ukjent_System_" + ORGNR), ORGNR,
                fresh("02-missed-dose-alarm.json"), 403);
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(List.of(dispenseOf(first))) == 1);
        // the EPJ refuses the next one: a dead letter at once, resent by the municipality once the EPJ is mended
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"fail\",\"status\":422}");
        String resent = sent(vendor, ORGNR, fresh("01-medication-dispense-success.json"), 202);
        String admin = Hub.token("admin", "--orgnr", ORGNR);
        String letters = Hub.DELIVERY + "/delivery/v1/municipalities/" + ORGNR + "/dead-letters";
        await().atMost(Duration.ofSeconds(60)).until(() -> Hub.api("GET", letters, admin, null).body()
                .contains(resent));
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"mode\":\"ok\"}");
        HttpResponse<String> resend = Hub.api("POST", letters + "/" + resent + "/resend", admin,
                "{\"reason\":\"EPJ rettet\"}");
        assertEquals(200, resend.statusCode(), resend.body());
        String operator = Hub.token("operator");
        String trails = Hub.AUDIT + "/audit/v1/messages/";
        await().atMost(Duration.ofSeconds(60)).until(() -> stepsOf(Hub.api("GET", trails + resent + "/trail",
                operator, null)).contains("no.knutepunkt.delivery.delivered.v1"));

        // the trail index emptied and read again from the log
        HttpResponse<String> rebuilt = Hub.api("POST", Hub.AUDIT + "/audit/v1/index/rebuild", operator, null);
        assertEquals(200, rebuilt.statusCode(), rebuilt.body());
        String received = "no.knutepunkt.message.received.v1";
        String authorized = "no.knutepunkt.consent.authorized.v1";
        String routed = "no.knutepunkt.routing.routed.v1";
        assertEquals(List.of(received, authorized, routed, "no.knutepunkt.delivery.delivered.v1"),
                lifeOf(trails + delivered, operator));
        assertEquals(List.of(received, "no.knutepunkt.consent.denied.v1"), lifeOf(trails + denied, operator));
        assertEquals(List.of(received, authorized, routed, "no.knutepunkt.delivery.failed.v1",
                "no.knutepunkt.delivery.dead-letter-handled.v1", "no.knutepunkt.delivery.delivered.v1"),
                lifeOf(trails + resent, operator));
        JsonNode handled = JSON.readTree(Hub.api("GET", trails + resent + "/trail", operator, null).body())
                .path("steps").findParents("type").stream()
                .filter(s -> s.path("type").asText().endsWith("dead-letter-handled.v1")).findFirst().orElseThrow();
        assertEquals("EPJ rettet", handled.path("data").path("reason").asText(), "who did what, and why");
    }

    @Test
    @Order(7)
    void afterAnEpjRestoreARedriveOfTheLastHourSendsOnlyWhatWasNotJournaledAtTheCappedRate() throws Exception {
        java.time.Instant backup = java.time.Instant.now();
        Thread.sleep(20);
        String vendor = Hub.token("vendor");
        List<String> messages = new ArrayList<>();
        List<String> dispenses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String body = fresh("01-medication-dispense-success.json");
            dispenses.add(dispenseOf(body));
            messages.add(sent(vendor, ORGNR, body, 202));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(dispenses) == dispenses.size());
        // the EPJ journals the first four, then is restored from the backup taken before all twelve
        String epj = Hub.token("epj", "--orgnr", ORGNR);
        for (String id : messages.subList(0, 4)) {
            assertEquals(200, Hub.api("POST", Hub.DELIVERY + "/v1/epj/messages/" + id + "/$journaling-acknowledged",
                    epj, null).statusCode());
        }
        Hub.http("POST", Hub.EPJ + "/control", null, "{\"restoreTo\":\"" + backup + "\"}");
        assertEquals(0, countOf(dispenses), "the restore lost them");

        String admin = Hub.token("admin", "--orgnr", ORGNR);
        String lastHour = "\"orgnr\":\"" + ORGNR + "\",\"from\":\"" + backup.minus(Duration.ofHours(1))
                + "\",\"perEpjPerSecond\":4";
        HttpResponse<String> dry = Hub.api("POST", Hub.DELIVERY + "/delivery/v1/redrives", admin,
                "{" + lastHour + ",\"dryRun\":true}");
        assertEquals(200, dry.statusCode(), dry.body());
        JsonNode plan = JSON.readTree(dry.body());
        int matched = plan.path("matched").asInt();
        assertTrue(matched >= 8, plan.toString());
        assertTrue(plan.path("journaledSkipped").asInt() >= 4, plan.toString());
        assertEquals((matched + 3) / 4, plan.path("estimatedSeconds").asInt(), plan.toString());
        assertEquals(403, Hub.api("POST", Hub.DELIVERY + "/delivery/v1/redrives", Hub.token("admin", "--orgnr",
                "974760673"), "{" + lastHour + ",\"dryRun\":true}").statusCode(), "not another municipality's");
        assertEquals(400, Hub.api("POST", Hub.DELIVERY + "/delivery/v1/redrives", admin, "{" + lastHour + "}")
                .statusCode(), "a re-drive needs a reason");

        HttpResponse<String> started = Hub.api("POST", Hub.DELIVERY + "/delivery/v1/redrives", admin,
                "{" + lastHour + ",\"reason\":\"EPJ gjenopprettet fra sikkerhetskopi\"}");
        assertEquals(202, started.statusCode(), started.body());
        String progress = java.net.URI.create(Hub.DELIVERY).resolve(started.headers().firstValue("Location")
                .orElseThrow()).toString();
        String redriveId = JSON.readTree(started.body()).path("redriveId").asText();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode p = JSON.readTree(Hub.api("GET", progress, admin, null).body());
            assertEquals("finished", p.path("state").asText(), p.toString());
            assertEquals(matched, p.path("deliveredAgain").asInt(), p.toString());
        });
        for (int i = 0; i < dispenses.size(); i++) {
            assertEquals(i < 4 ? 0 : 1, countOf(List.of(dispenses.get(i))), "journaled ones are left alone: " + i);
        }

        // the pace: every re-driven message is an event; in no second were more than the cap put back, nor sent
        List<no.knutepunkt.model.event.EventEnvelope> log = new TopicProbe(Hub.KAFKA).readAll(List.of(
                Topics.DELIVERY_CONTROL, Topics.DELIVERY_OUTCOMES), Duration.ofSeconds(2)).stream()
                .map(r -> no.knutepunkt.model.event.EventCodec.decode(r.value())).toList();
        List<java.time.Instant> redriven = log.stream().map(no.knutepunkt.model.event.EventEnvelope::payload)
                .filter(e -> e instanceof no.knutepunkt.model.event.MessageRedriven m && m.redriveId().equals(redriveId))
                .map(e -> ((no.knutepunkt.model.event.MessageRedriven) e).redrivenAt()).sorted().toList();
        assertEquals(matched, redriven.size());
        Set<String> again = log.stream().map(no.knutepunkt.model.event.EventEnvelope::payload)
                .filter(e -> e instanceof no.knutepunkt.model.event.MessageRedriven m && m.redriveId().equals(redriveId))
                .map(no.knutepunkt.model.event.EventData::messageId).collect(Collectors.toSet());
        List<java.time.Instant> sentAgain = log.stream().map(no.knutepunkt.model.event.EventEnvelope::payload)
                .filter(e -> e instanceof no.knutepunkt.model.event.MessageDelivered d && again.contains(d.messageId())
                        && d.deliveredAt().isAfter(redriven.get(0)))
                .map(e -> ((no.knutepunkt.model.event.MessageDelivered) e).deliveredAt()).sorted().toList();
        assertEquals(matched, sentAgain.size());
        int cap = 4;
        // the first tick may put back one more than the cap (message n goes at n / cap seconds, n from 0)
        assertTrue(mostInOneSecond(redriven) <= cap + 1, "re-driven per second: " + mostInOneSecond(redriven));
        assertTrue(mostInOneSecond(sentAgain) <= cap + 1, "sent per second: " + mostInOneSecond(sentAgain));
        double seconds = Duration.between(redriven.get(0), redriven.get(redriven.size() - 1)).toMillis() / 1000.0;
        System.out.printf("re-drive: %d messages put back over %.1f s (cap %d/s); %d journaled left alone%n",
                matched, seconds, cap, plan.path("journaledSkipped").asInt());
        assertTrue(seconds >= (matched - 1) / (double) cap - 1.0, "paced, not at once: " + seconds + " s");

        // a re-drive can be stopped: it is cancelled, and puts nothing back after that
        HttpResponse<String> slow = Hub.api("POST", Hub.DELIVERY + "/delivery/v1/redrives", admin,
                "{\"orgnr\":\"" + ORGNR + "\",\"from\":\"" + backup.minus(Duration.ofHours(1))
                        + "\",\"perEpjPerSecond\":1,\"reason\":\"prøvekjøring\"}");
        assertEquals(202, slow.statusCode(), slow.body());
        String slowProgress = java.net.URI.create(Hub.DELIVERY).resolve(slow.headers().firstValue("Location")
                .orElseThrow()).toString();
        HttpResponse<String> cancelled = Hub.api("POST", slowProgress + "/cancel", admin, null);
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("cancelled", JSON.readTree(cancelled.body()).path("state").asText());
        int atCancel = JSON.readTree(Hub.api("GET", slowProgress, admin, null).body()).path("redriven").asInt();
        Thread.sleep(2500);
        JsonNode after = JSON.readTree(Hub.api("GET", slowProgress, admin, null).body());
        assertEquals(atCancel, after.path("redriven").asInt(), after.toString());
        assertTrue(atCancel < matched, after.toString());
        assertEquals(409, Hub.api("POST", slowProgress + "/cancel", admin, null).statusCode());
    }

    @Test
    @Order(8)
    void afterAPatientsPayloadsAreErasedNoneCanBeReadFromTheLogAndTheChainStillVerifies() throws Exception {
        String vendor = Hub.token("vendor");
        String erasedPatient = "02913846098";
        String other = fresh("01-medication-dispense-success.json");
        String theirs = fresh("01-medication-dispense-success.json").replace("14834540011", erasedPatient);
        String otherId = sent(vendor, ORGNR, other, 202);
        String theirId = sent(vendor, ORGNR, theirs, 202);
        await().atMost(Duration.ofSeconds(60)).until(() -> countOf(List.of(dispenseOf(other), dispenseOf(theirs)))
                == 2);
        String admin = Hub.token("admin", "--orgnr", ORGNR);
        String erasures = Hub.AUDIT + "/audit/v1/municipalities/" + ORGNR + "/erasures";
        String request = "{\"patient\":\"" + erasedPatient + "\",\"reason\":\"krav om sletting, sak 2026/17\"}";
        assertEquals(403, Hub.api("POST", erasures, Hub.token("operator"), request).statusCode(),
                "the municipality erases, not the operator");
        assertEquals(403, Hub.api("POST", erasures, vendor, request).statusCode());
        HttpResponse<String> erased = Hub.api("POST", erasures, admin, request);
        assertEquals(201, erased.statusCode(), erased.body());
        assertTrue(JSON.readTree(erased.body()).path("keysErased").asInt() >= 1, erased.body());

        List<ConsumerRecord<String, String>> records = new TopicProbe(Hub.KAFKA).readAll(Topics.all().stream()
                .map(Topics.Spec::name).toList(), Duration.ofSeconds(3));
        try (Vault vault = Vault.open()) {
            int theirPayloads = 0;
            int otherPayloads = 0;
            for (ConsumerRecord<String, String> r : records) {
                assertFalse(r.value().contains(erasedPatient), "the national id is on the log nowhere: " + r.topic());
                no.knutepunkt.model.event.EventEnvelope e = no.knutepunkt.model.event.EventCodec.decode(r.value());
                String payload = payloadOf(e.payload());
                if (payload == null) {
                    continue;
                }
                if (theirId.equals(e.correlationid())) {
                    theirPayloads++;
                    assertTrue(vault.erased(theirId, payload), "still readable on " + r.topic());
                } else if (otherId.equals(e.correlationid())) {
                    otherPayloads++;
                    assertEquals(other, vault.read(otherId, payload), "another patient's payload is whole");
                }
            }
            assertEquals(3, theirPayloads, "received, authorized and routed carry the payload");
            assertEquals(3, otherPayloads);
        }
        assertTrue(records.stream().anyMatch(r -> r.topic().equals(Topics.RETENTION)
                && r.value().contains("sak 2026/17")), "the erasure is an event with its reason");
        // every event is still there and the chain over them holds
        String operator = Hub.token("operator");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode verified = JSON.readTree(Hub.api("POST", Hub.AUDIT + "/audit/v1/verify", operator, null).body());
            assertTrue(verified.path("intact").asBoolean(), verified.toString());
        });
        assertTrue(stepsOf(Hub.api("GET", Hub.AUDIT + "/audit/v1/messages/" + theirId + "/trail", operator, null))
                .contains("no.knutepunkt.delivery.delivered.v1"), "the erased patient's trail remains");
    }

    @Test
    @Order(9)
    void theLogsAreJsonAndALineAboutAMessageCarriesItsId() throws Exception {
        // the hub runs as deployed (KNUTEPUNKT_LOG_JSON=true); the drills above made delivery attempts fail
        java.util.regex.Pattern failed = java.util.regex.Pattern.compile("delivery of message ([0-9a-f-]{36}), attempt");
        int lines = 0;
        int about = 0;
        for (String line : Files.readAllLines(Hub.HOME.resolve("logs/delivery-service.log"))) {
            if (!line.startsWith("{")) {
                continue; // the JVM's own lines before logging starts
            }
            JsonNode json = JSON.readTree(line); // every log line is one JSON object
            lines++;
            var m = failed.matcher(json.path("message").asText());
            if (m.find()) {
                about++;
                assertEquals(m.group(1), json.path("mdc").path("messageId").asText(), line);
            }
        }
        assertTrue(lines > 10, "delivery logged JSON");
        assertTrue(about > 0, "a failed attempt was logged with its message id");
    }

    @Test
    @Order(9)
    void noNationalIdOrNameInLogsMetricsTopicsOrDatabases() throws Exception {
        List<String> personalData = new ArrayList<>(PERSONAL_DATA);
        personalData.addAll(SENT_PATIENTS);
        // a national id where a vendor should not put it (it happens): Bundle.identifier, the Idempotency-Key and free
        // text; through every stage, deep validation (whose findings quote it) and the audit index
        String nationalId = PERSONAL_DATA.get(0);
        String planted = fresh("01-medication-dispense-success.json")
                .replaceFirst("\"value\": \"urn:uuid:[0-9a-f-]+\"", "\"value\": \"" + nationalId + "\"")
                .replace("Morgendose kl. 08:00", "Morgendose til " + nationalId + " kl. 08:00");
        String vendor = Hub.token("vendor");
        HttpResponse<String> sent = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(Hub.INGEST + "/epj/r4/" + ORGNR + "/bundle"))
                .header("Authorization", "Bearer " + vendor).header("Content-Type", "application/fhir+json")
                .header("Idempotency-Key", nationalId).POST(java.net.http.HttpRequest.BodyPublishers.ofString(planted))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, sent.statusCode(), sent.body());
        String status = Hub.INGEST + "/v1/Bundle/" + sent.headers().firstValue("X-Message-Id").orElseThrow()
                + "/$status";
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode s = JSON.readTree(Hub.http("GET", status, vendor, null).body());
            return "delivered".equals(s.path("state").asText()) && s.has("validation");
        });
        List<Path> logs;
        try (Stream<Path> files = Files.list(Hub.HOME.resolve("logs"))) {
            logs = files.toList();
        }
        assertFalse(logs.isEmpty());
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            String utf8 = Files.readString(log, StandardCharsets.UTF_8);
            for (String pd : personalData) {
                assertFalse(text.contains(pd) || utf8.contains(pd), pd + " in " + log);
            }
        }
        List<String> topics = Topics.all().stream().map(Topics.Spec::name).toList();
        List<ConsumerRecord<String, String>> records = new TopicProbe(Hub.KAFKA).readAll(topics, Duration.ofSeconds(3));
        assertTrue(records.size() > 20, "the log holds the run's events");
        for (ConsumerRecord<String, String> r : records) {
            for (String pd : personalData) {
                // payloads and the validator's texts are sealed; everything else of an event is in clear
                assertFalse(r.value().contains(pd), pd + " in clear in an event on " + r.topic() + " @" + r.offset());
                assertFalse(r.key() != null && r.key().contains(pd), "key of " + r.topic());
                for (Header h : r.headers()) {
                    assertFalse(new String(h.value(), StandardCharsets.UTF_8).contains(pd), "header " + h.key());
                }
            }
        }
        // every row of every table of every database of the hub
        int rows = 0;
        for (String database : List.of("ingest", "consent", "routing", "delivery", "audit", "vault")) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                    + Hub.POSTGRES_PORT + "/" + database, "postgres", "postgres")) {
                List<String> tables = new ArrayList<>();
                try (java.sql.ResultSet t = db.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                    while (t.next()) {
                        tables.add(t.getString("TABLE_NAME"));
                    }
                }
                for (String table : tables) {
                    try (java.sql.ResultSet row = db.createStatement().executeQuery("select t::text from \""
                            + table + "\" t")) {
                        while (row.next()) {
                            rows++;
                            for (String pd : personalData) {
                                assertFalse(row.getString(1).contains(pd), pd + " in clear in " + database + "."
                                        + table);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(rows > 100, "the databases hold the run's projections: " + rows + " rows");
        // each service's metrics: the business metric after the run's flows, and no person in any of them
        Map<String, String> metrics = new java.util.LinkedHashMap<>();
        for (String service : List.of(Hub.INGEST, Hub.CONSENT, Hub.ROUTING, Hub.DELIVERY, Hub.AUDIT)) {
            HttpResponse<String> scraped = Hub.http("GET", service + "/q/metrics", null, null);
            assertEquals(200, scraped.statusCode(), service);
            metrics.put(service, scraped.body());
            for (String pd : personalData) {
                assertFalse(scraped.body().contains(pd), pd + " in the metrics of " + service);
            }
        }
        String sender = "sender=\"Demoleverandor_Demosystem_" + ORGNR + "\"";
        for (var expected : Map.of(Hub.INGEST, "state=\"received\"", Hub.CONSENT, "state=\"denied\"",
                Hub.ROUTING, "state=\"routed\"", Hub.DELIVERY, "state=\"delivered\"").entrySet()) {
            assertTrue(metrics.get(expected.getKey()).lines().anyMatch(l -> l.startsWith("knutepunkt_messages_total{")
                    && l.contains(expected.getValue()) && l.contains("orgnr=\"" + ORGNR + "\"")
                    && (l.contains(sender) || expected.getValue().contains("denied"))), expected.getKey() + " counts "
                    + expected.getValue() + ":\n" + metrics.get(expected.getKey()).lines()
                    .filter(l -> l.startsWith("knutepunkt_")).collect(Collectors.joining("\n")));
        }
    }

    @AfterAll
    static void downLeavesNothingBehind() throws Exception {
        traces.close();
        Set<Long> pids;
        try (Stream<Path> files = Files.list(Hub.HOME.resolve("run"))) {
            pids = files.map(HubFlowTest::pid).collect(Collectors.toSet());
        }
        Hub.Result down = Hub.run("down");
        assertEquals(0, down.exit(), down.output());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid);
        }
        for (int offset : new int[] {32, 81, 82, 83, 84, 85, 90, 92, 93}) {
            int port = Hub.BASE + offset;
            assertFalse(listening(port), "something still listens on " + port);
        }
        Hub.run("purge");
    }

    static long pid(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int count(String type) throws Exception {
        return JSON.readTree(Hub.http("GET", Hub.EPJ + "/fhir/" + type, null, null).body()).path("total").asInt();
    }

    static int countOf(List<String> identifiers) throws Exception {
        Set<String> wanted = Set.copyOf(identifiers);
        int n = 0;
        for (JsonNode e : JSON.readTree(Hub.http("GET", Hub.EPJ + "/fhir/MedicationDispense", null, null).body())
                .path("entry")) {
            n += wanted.contains(e.path("resource").path("identifier").path(0).path("value").asText()) ? 1 : 0;
        }
        return n;
    }

    /** A municipality with a route (as the operator registers it) and a grant for one vendor system, in force. */
    static void municipality(String orgnr, String route, String vkpId) throws Exception {
        HttpResponse<String> routed = Hub.api("PUT", Hub.ROUTING + "/routing/v1/routes/" + orgnr,
                Hub.token("operator"), route);
        assertTrue(routed.statusCode() / 100 == 2, routed.body());
        HttpResponse<String> granted = Hub.api("POST", Hub.CONSENT + "/consent/v1/municipalities/" + orgnr
                + "/grants", Hub.token("admin", "--orgnr", orgnr), "{\"vkpId\":\"" + vkpId + "\",\"scopes\":"
                + "[\"nhn:vkp/api/user/bundle.write\"],\"legalBasis\":\"hol. § 3-2\"}");
        assertEquals(201, granted.statusCode(), granted.body());
        await().atMost(Duration.ofSeconds(15)).until(() -> Hub.api("GET", Hub.ROUTING + "/routing/v1/routes/"
                + orgnr, Hub.token("operator"), null).statusCode() == 200);
    }

    /** Posts a bundle, expects the status, and answers the message id. */
    static String sent(String token, String orgnr, String body, int status) throws Exception {
        HttpResponse<String> posted = Hub.http("POST", Hub.INGEST + "/epj/r4/" + orgnr + "/bundle", token, body);
        assertEquals(status, posted.statusCode(), posted.body());
        return posted.headers().firstValue("X-Message-Id").orElseThrow();
    }

    static String dispenseOf(String body) throws IOException {
        return JSON.readTree(body).path("entry").path(0).path("resource").path("identifier").path(0).path("value")
                .asText();
    }

    static List<String> stepsOf(HttpResponse<String> trail) throws IOException {
        return trail.statusCode() != 200 ? List.of()
                : JSON.readTree(trail.body()).path("steps").findValuesAsText("type");
    }

    /** A message's steps in order, without deep validation's finding (which runs beside the others). */
    static List<String> lifeOf(String trail, String token) throws Exception {
        return stepsOf(Hub.api("GET", trail + "/trail", token, null)).stream()
                .filter(t -> !t.endsWith("validation.validated.v1")).toList();
    }

    /** Most instants within any one second. */
    static int mostInOneSecond(List<java.time.Instant> sorted) {
        int most = 0;
        for (int i = 0, j = 0; j < sorted.size(); j++) {
            while (Duration.between(sorted.get(i), sorted.get(j)).toMillis() >= 1000) {
                i++;
            }
            most = Math.max(most, j - i + 1);
        }
        return most;
    }

    static String payloadOf(no.knutepunkt.model.event.EventData e) {
        if (e instanceof no.knutepunkt.model.event.MessageReceived m) {
            return m.payload();
        }
        if (e instanceof no.knutepunkt.model.event.MessageAuthorized m) {
            return m.payload();
        }
        return e instanceof no.knutepunkt.model.event.MessageRouted m ? m.payload() : null;
    }

    static String fresh(String name) throws IOException {
        return Files.readString(fixture(name)).replaceAll("\"value\": \"urn:uuid:[0-9a-f-]+\"",
                "\"value\": \"urn:uuid:" + UUID.randomUUID() + "\"");
    }
}
