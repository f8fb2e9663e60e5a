package no.knutepunkt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.HelseIdClaims;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Java half of {@code ./knutepunkt}. Settings come from environment variables that the script sets for the local
 * run ({@code KNUTEPUNKT_*}); see the README.
 */
public final class Main {

    static final Set<String> FINAL_STATES = Set.of("delivered", "journaled", "denied", "unroutable", "failed");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            printUsage();
            System.exit(args.length == 0 ? 64 : 0);
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        int code = switch (args[0]) {
            case "keys" -> {
                System.out.println(DevKeys.publicKey(keysDir()));
                yield 0;
            }
            case "token" -> token(rest);
            case "topics" -> {
                List<String> created = TopicSetup.create(env("KNUTEPUNKT_KAFKA", "127.0.0.1:9092"),
                        Short.parseShort(option(rest, "--replicas", "1")),
                        Integer.parseInt(option(rest, "--min-insync", "1")));
                System.out.println(created.isEmpty() ? "topics: all present" : "topics created: " + created);
                yield 0;
            }
            case "ready" -> ready(rest);
            case "seed" -> seed();
            case "send" -> send(rest);
            case "read" -> read(rest);
            case "audit-verify" -> auditVerify();
            default -> usage();
        };
        System.exit(code);
    }

    private static int usage() {
        printUsage();
        System.exit(64);
        return 64;
    }

    private static void printUsage() {
        System.err.println("""
                usage: knutepunkt-cli keys | topics [--replicas N --min-insync N] | ready [PID@]URL... |
                       token vendor [--vkp-id ID] [--scope S]... | token admin|epj --orgnr N | token operator |
                       seed | send FILE [--org ORGNR] |
                       read RESOURCE [--patient FNR] [--service-codes TA,MD] [--from DATE] [--to DATE] [--org ORGNR] |
                       audit-verify
                tokens: KNUTEPUNKT_TOKEN_VENDOR|_ADMIN|_EPJ|_OPERATOR, else KNUTEPUNKT_TOKEN_COMMAND (prints one; told
                        KNUTEPUNKT_TOKEN_ROLE, _ORGNR, _VKP_ID, _SCOPE), else signed with the local key""");
    }

    static DevTokens tokens() {
        return new DevTokens(DevKeys.privateKey(keysDir()), env("KNUTEPUNKT_ISSUER", DevTokens.DEFAULT_ISSUER),
                env("KNUTEPUNKT_AUDIENCE", DevTokens.DEFAULT_AUDIENCE));
    }

    private static final TokenSource TOKENS = TokenSource.fromEnvironment();

    static String operatorToken() {
        return TOKENS.token(new TokenSource.Want("operator", null, null, List.of()));
    }

    static String adminToken(String orgnr) {
        return TOKENS.token(new TokenSource.Want("admin", orgnr, null, List.of()));
    }

    static String vendorToken(String vkpId, List<String> scopes) {
        return TOKENS.token(new TokenSource.Want("vendor", null, vkpId, scopes));
    }

    private static int token(List<String> args) {
        if (args.isEmpty()) {
            return usage();
        }
        String role = args.remove(0);
        String token = switch (role) {
            case "vendor" -> {
                List<String> scopes = options(args, "--scope");
                yield vendorToken(option(args, "--vkp-id", demoVkpId()),
                        scopes.isEmpty() ? List.of(HelseIdClaims.vkpScope("bundle", "write")) : scopes);
            }
            case "admin" -> adminToken(option(args, "--orgnr", demoOrgnr()));
            case "epj" -> TOKENS.token(new TokenSource.Want("epj", option(args, "--orgnr", demoOrgnr()), null,
                    List.of()));
            case "operator" -> operatorToken();
            default -> null;
        };
        if (token == null) {
            return usage();
        }
        System.out.println(token);
        return 0;
    }

    /**
     * Waits until every URL answers 200 (the services' readiness), or gives up after the timeout. An argument
     * {@code PID@URL} also gives up at once when that process has died, instead of waiting out the timeout.
     */
    private static int ready(List<String> targets) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(Long.parseLong(env("KNUTEPUNKT_READY_TIMEOUT", "180")));
        for (String target : targets) {
            int at = target.indexOf('@');
            String url = target.substring(at + 1);
            Optional<ProcessHandle> process = at < 0 ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(target.substring(0, at)));
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (at >= 0 && !process.map(ProcessHandle::isAlive).orElse(false)) {
                    System.err.println("exited before it was ready: " + url);
                    return 1;
                }
                if (Instant.now().isAfter(deadline)) {
                    System.err.println("not ready: " + url);
                    return 1;
                }
                Thread.sleep(250);
            }
        }
        return 0;
    }

    /** Asks audit-service to check the whole log against its hash chain; 0 when intact, 3 at a break. */
    private static int auditVerify() throws IOException, InterruptedException {
        // a long log takes a while: no 30-second limit here
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(env("KNUTEPUNKT_AUDIT_URL", null)
                + "/audit/v1/verify")).timeout(Duration.ofHours(2)).header("Authorization", "Bearer "
                + operatorToken()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            System.err.println("audit verify: HTTP " + answer.statusCode() + " " + answer.body());
            return 1;
        }
        JsonNode result = JSON.readTree(answer.body());
        if (result.path("intact").asBoolean()) {
            System.out.println("intact: " + result.path("checked").asLong() + " events checked in "
                    + result.path("millis").asLong() + " ms");
            return 0;
        }
        JsonNode at = result.path("firstBreak");
        System.out.println("BROKEN at " + at.path("topic").asText() + "/" + at.path("partition").asInt() + "/"
                + at.path("offset").asLong() + ": " + at.path("problem").asText() + " (" + result.path("checked")
                .asLong() + " events intact before it)");
        return 3;
    }

    /**
     * Seeds the demo: a route from the demo municipality to the EPJ stand-in, and a grant for the demo vendor
     * system. Both are left alone when they are already there, so that seeding twice changes nothing.
     */
    private static int seed() throws IOException, InterruptedException {
        String orgnr = demoOrgnr();
        String routing = env("KNUTEPUNKT_ROUTING_URL", null) + "/routing/v1/routes/" + orgnr;
        String operator = operatorToken();
        JsonNode route = JSON.createObjectNode().put("epjProduct", "generic-fhir").put("mode", "push")
                .put("endpoint", env("KNUTEPUNKT_EPJ_URL", null));
        HttpResponse<String> put = call("PUT", routing, operator, route.toString());
        if (put.statusCode() / 100 != 2) {
            System.err.println("route: HTTP " + put.statusCode() + " " + put.body());
            return 1;
        }
        String consent = env("KNUTEPUNKT_CONSENT_URL", null) + "/consent/v1/municipalities/" + orgnr + "/grants";
        String admin = adminToken(orgnr);
        String vkpId = demoVkpId();
        JsonNode grants = JSON.readTree(call("GET", consent, admin, null).body());
        boolean present = false;
        for (JsonNode grant : grants) {
            present |= vkpId.equals(grant.path("vkpId").asText()) && "active".equals(grant.path("state").asText());
        }
        if (!present) {
            // writes, and reads of every resource for the alarm, dispenser, GPS and DHO services (not RT, DT)
            ArrayNode scopes = JSON.createArrayNode().add(HelseIdClaims.vkpScope("bundle", "write"));
            VkpReads.READABLE.keySet().stream().sorted().forEach(r -> scopes.add(HelseIdClaims.vkpScope(r, "read")));
            ObjectNode grant = JSON.createObjectNode().put("vkpId", vkpId).put("vendor", "Demoleverandor")
                    .put("system", "Demosystem").put("legalBasis", "Demo: lokal kjøring av Knutepunkt");
            grant.set("scopes", scopes);
            grant.set("serviceCodes", JSON.createArrayNode().add("TA").add("MD").add("GPS").add("DHO"));
            HttpResponse<String> created = call("POST", consent, admin, grant.toString());
            if (created.statusCode() / 100 != 2) {
                System.err.println("grant: HTTP " + created.statusCode() + " " + created.body());
                return 1;
            }
        }
        // which of the stand-in EPJ's services (IPLOS codes) each ServiceCode means, for the read tour
        String profile = env("KNUTEPUNKT_CONSENT_URL", null) + "/consent/v1/municipalities/" + orgnr
                + "/partner-profile";
        if (call("GET", profile, admin, null).statusCode() == 404) {
            HttpResponse<String> set = call("PUT", profile, admin, "{\"serviceCodes\": {\"RT\": [\"6\"], "
                    + "\"TA\": [\"6\"], \"GPS\": [\"26\"], \"MD\": [\"27\"], \"DT\": [\"28\"], "
                    + "\"DHO\": [\"DHO\"]}}");
            if (set.statusCode() / 100 != 2) {
                System.err.println("partner profile: HTTP " + set.statusCode() + " " + set.body());
                return 1;
            }
        }
        // the grant and route become visible once each service has projected its own event
        Instant deadline = Instant.now().plusSeconds(30);
        while (!grantVisible(consent, admin, vkpId) || call("GET", routing, operator, null).statusCode() != 200) {
            if (Instant.now().isAfter(deadline)) {
                System.err.println("seeded grant or route did not become visible");
                return 1;
            }
            Thread.sleep(100);
        }
        System.out.println("seeded: municipality " + orgnr + ", vendor system " + vkpId + ", route to "
                + env("KNUTEPUNKT_EPJ_URL", null));
        return 0;
    }

    private static boolean grantVisible(String url, String token, String vkpId) throws IOException,
            InterruptedException {
        for (JsonNode grant : JSON.readTree(call("GET", url, token, null).body())) {
            if (vkpId.equals(grant.path("vkpId").asText()) && "active".equals(grant.path("state").asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Acts as the demo vendor: posts the Bundle, prints the message id, follows the status to a final state.
     * Exit 0 when delivered or journaled; 2 when rejected; 3 when denied, unroutable or failed; 4 on time-out.
     */
    private static int send(List<String> args) throws IOException, InterruptedException {
        if (args.isEmpty()) {
            return usage();
        }
        String orgnr = option(args, "--org", demoOrgnr());
        String body = Files.readString(Path.of(args.get(0)));
        String ingest = env("KNUTEPUNKT_INGEST_URL", null);
        String token = vendorToken(demoVkpId(), List.of(HelseIdClaims.vkpScope("bundle", "write")));
        HttpResponse<String> response = call("POST", ingest + "/epj/r4/" + orgnr + "/bundle", token, body,
                "application/fhir+json");
        if (response.statusCode() == 403 && response.headers().firstValue("X-Message-Id").isPresent()) {
            System.out.println("message " + response.headers().firstValue("X-Message-Id").get()
                    + " denied (HTTP 403)");
            System.out.println(response.body());
            return 3;
        }
        if (response.statusCode() / 100 != 2) {
            System.out.println("rejected: HTTP " + response.statusCode());
            System.out.println(response.body());
            return 2;
        }
        String messageId = response.headers().firstValue("X-Message-Id").orElseThrow();
        String location = response.headers().firstValue("Location").orElseThrow();
        System.out.println("message " + messageId + " accepted (HTTP " + response.statusCode() + ")");
        // the warnings of the answer: what the lenient rules let pass, and a vendor should fix
        for (JsonNode issue : JSON.readTree(response.body()).path("issue")) {
            if ("warning".equals(issue.path("severity").asText())) {
                System.out.println("  warning " + issue.path("extension").path(0).path("valueString").asText() + " at "
                        + issue.path("expression").path(0).asText("?") + ": " + issue.path("diagnostics").asText());
            }
        }
        Instant deadline = Instant.now().plusSeconds(Long.parseLong(env("KNUTEPUNKT_SEND_TIMEOUT", "60")));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> status = call("GET", URI.create(ingest).resolve(location).toString(), token, null);
            if (status.statusCode() == 200) {
                JsonNode view = JSON.readTree(status.body());
                String state = view.path("state").asText();
                if (!state.equals(last)) {
                    System.out.println("  " + state);
                    last = state;
                }
                if (FINAL_STATES.contains(state)) {
                    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view));
                    return state.equals("delivered") || state.equals("journaled") ? 0 : 3;
                }
            }
            Thread.sleep(100);
        }
        System.out.println("no final state within the time-out; last state: " + last);
        return 4;
    }

    /**
     * Acts as the demo vendor reading the EPJ through the hub (VKP's {@code POST …/{resource}/_search}) and prints the
     * answer. Exit 0 with an answer; 3 when refused (403); 2 for another refusal; 4 when the EPJ did not answer.
     */
    private static int read(List<String> args) throws IOException, InterruptedException {
        if (args.isEmpty() || !VkpReads.READABLE.containsKey(args.get(0))) {
            System.err.println("read what? one of " + new java.util.TreeSet<>(VkpReads.READABLE.keySet()));
            return usage();
        }
        String resource = args.get(0);
        String orgnr = option(args, "--org", demoOrgnr());
        List<String> form = new ArrayList<>();
        String patient = option(args, "--patient", null);
        if (patient != null) {
            form.add(("patient".equals(resource) ? "identifier=" : "patient.identifier=")
                    + java.net.URLEncoder.encode(patient, java.nio.charset.StandardCharsets.UTF_8));
        }
        Optional.ofNullable(option(args, "--from", null)).ifPresent(d -> form.add("date=ge" + d));
        Optional.ofNullable(option(args, "--to", null)).ifPresent(d -> form.add("date=le" + d));
        String token = vendorToken(demoVkpId(), List.of(HelseIdClaims.vkpScope(resource, "read")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(env("KNUTEPUNKT_INGEST_URL", null) + "/epj/r4/"
                + orgnr + "/" + resource + "/_search")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("ServiceCodes", option(args, "--service-codes", "TA"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", form))).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        String readId = response.headers().firstValue("X-Read-Id").orElse("-");
        JsonNode body = JSON.readTree(response.body().isBlank() ? "{}" : response.body());
        if (response.statusCode() == 200) {
            System.out.println("read " + readId + ": " + body.path("entry").size() + " " + resource + " record(s)");
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            return 0;
        }
        System.out.println("refused: HTTP " + response.statusCode() + " (VKP "
                + body.at("/issue/0/details/coding/0/code").asText("?") + ") "
                + body.at("/issue/0/diagnostics").asText(""));
        return response.statusCode() == 403 ? 3 : response.statusCode() >= 500 ? 4 : 2;
    }

    static HttpResponse<String> call(String method, String url, String token, String body) throws IOException,
            InterruptedException {
        return call(method, url, token, body, "application/json");
    }

    static HttpResponse<String> call(String method, String url, String token, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String demoOrgnr() {
        return env("KNUTEPUNKT_DEMO_ORGNR", "312229544");
    }

    static String demoVkpId() {
        return env("KNUTEPUNKT_DEMO_VKP_ID", "Demoleverandor_Demosystem_" + demoOrgnr());
    }

    static Path keysDir() {
        return Path.of(env("KNUTEPUNKT_KEYS", ".knutepunkt/local/keys"));
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalStateException(name + " is not set");
            }
            return fallback;
        }
        return value;
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        if (i < 0 || i + 1 >= args.size()) {
            return fallback;
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }

    private static List<String> options(List<String> args, String name) {
        List<String> values = new ArrayList<>();
        for (String v = option(args, name, null); v != null; v = option(args, name, null)) {
            values.add(v);
        }
        return values;
    }

}
