package no.knutepunkt.ingest.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.kafka.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input and forged tokens: each case gets a 4xx OperationOutcome, the service stays up, and nothing of it
 * reaches the log. The verdicts are checked; the slowest answer is printed, not asserted.
 */
@QuarkusTest
class AttackSuiteTest {

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Angrepsleverandor_Dispenser_" + ORGNR;
    static final String WRITE = "nhn:vkp/api/user/bundle.write";
    static final String FNR = "14834540011";

    final DevTokens tokens = DevTokens.fromEnvironment();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    String base;

    /** One hostile request: where it goes, as what, and with which body. */
    record Case(String name, String path, String contentType, byte[] body) {
        /** A JSON case with business ids of its own, so that no verdict is an idempotency conflict with another. */
        static Case json(String name, String body) {
            return new Case(name, "/epj/r4/" + ORGNR + "/bundle", "application/fhir+json",
                    body.replaceAll("urn:uuid:[0-9a-f-]{36}", "urn:uuid:" + UUID.randomUUID())
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Every hostile case, sent while a well-behaved vendor keeps writing: each case is refused with a 4xx outcome,
     * nothing of them reaches the log, and the vendor's writes are all accepted with their latency unchanged (a number
     * like 1e999999 used to hold an event loop for 15 s, stalling every request on it).
     */
    @Test
    void everyHostileInputGetsA4xxOperationOutcomeAndNothingReachesTheLog() throws Exception {
        List<Case> cases = hostileInputs();
        assertTrue(cases.size() >= 200, "cases: " + cases.size());
        String token = tokens.vendor(VKP_ID, List.of(WRITE));
        String good = tokens.vendor("Vanlig_Leverandor_" + ORGNR, List.of(WRITE));
        List<Long> alone = normalWrites(good, 10);
        long before = received();
        java.util.concurrent.atomic.AtomicBoolean attacking = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.CompletableFuture<List<Long>> meanwhile = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    List<Long> latencies = new ArrayList<>();
                    while (attacking.get()) {
                        latencies.addAll(normalWrites(good, 1));
                    }
                    return latencies;
                });
        List<String> wrong = new ArrayList<>();
        long slowest = 0;
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (Case c : cases) {
                long start = System.nanoTime();
                // sent as raw bytes: a test client must not tidy up what an attacker would send
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + c.path().substring(1)))
                        .header("Authorization", "Bearer " + token).header("Content-Type", c.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(c.body())).build(),
                        HttpResponse.BodyHandlers.ofString());
                slowest = Math.max(slowest, System.nanoTime() - start);
                if (r.statusCode() / 100 != 4 || !r.body().contains("\"resourceType\":\"OperationOutcome\"")
                        || !r.body().contains("\"severity\":\"error\"") || r.body().length() > 100_000) {
                    wrong.add(c.name() + " -> " + r.statusCode() + " " + abbreviate(r.body()));
                }
            }
        } finally {
            attacking.set(false);
        }
        List<Long> during = meanwhile.get();
        System.out.printf("hostile input: %d cases, slowest answer %d ms; a vendor's writes alone: median %d ms, "
                + "slowest %d ms; during the attack (%d writes): median %d ms, slowest %d ms%n", cases.size(),
                slowest / 1_000_000, median(alone), java.util.Collections.max(alone), during.size(), median(during),
                java.util.Collections.max(during));
        assertEquals(List.of(), wrong, "cases without a 4xx OperationOutcome");
        given().get("/q/health/live").then().statusCode(200);
        assertTrue(during.size() >= 5, "the vendor kept writing: " + during.size());
        // a generous bound: before, one case held an event loop (and every write on it) for 15 s
        assertTrue(java.util.Collections.max(during) < 5_000, "the vendor's writes kept their pace: " + during);
        assertEquals(before + during.size(), received(), "only the vendor's own messages reached the log");
    }

    /** Writes of a well-behaved vendor, each accepted; their answer times in ms. */
    List<Long> normalWrites(String token, int n) {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            given().auth().oauth2(token).contentType("application/fhir+json").header("Prefer", "respond-async")
                    .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle")
                    .then().statusCode(202);
            latencies.add((System.nanoTime() - start) / 1_000_000);
        }
        return latencies;
    }

    static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    @Test
    void forgedAndMisusedTokensAreRefusedAndNothingReachesTheLog() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = Examples.read("01-medication-dispense-success.json")
                .replaceAll("\"value\": \"urn:uuid:[0-9a-f-]+\"", "\"value\": \"urn:uuid:" + marker + "\"");
        Map<String, Object> claims = tokens.baseClaims("angriper", List.of(WRITE));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        long now = Instant.now().getEpochSecond();
        byte[] publicKey = Base64.getDecoder().decode(System.getenv("KNUTEPUNKT_OIDC_PUBLIC_KEY"));
        var otherKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();

        Map<String, Function<RequestSpecification, RequestSpecification>> attacks = new LinkedHashMap<>();
        attacks.put("no token", r -> r);
        attacks.put("not a JWT", r -> r.auth().oauth2("not-a-token"));
        attacks.put("alg none", r -> r.auth().oauth2(unsigned(claims, "none")));
        attacks.put("alg none, upper case", r -> r.auth().oauth2(unsigned(claims, "NONE")));
        attacks.put("HS256 with the public key as secret", r -> r.auth().oauth2(hs256(claims, publicKey)));
        attacks.put("signed by another key", r -> r.auth().oauth2(DevTokens.sign(claims, otherKey, "RS256")));
        attacks.put("signature of another token", r -> r.auth().oauth2(swapSignature(tokens.sign(claims),
                tokens.sign(with(claims, "scope", "nhn:vkp/api/user/patient.read")))));
        attacks.put("wrong issuer", r -> r.auth().oauth2(tokens.sign(with(claims, "iss", "https://evil.example"))));
        attacks.put("wrong audience", r -> r.auth().oauth2(tokens.sign(with(claims, "aud", "another-api"))));
        attacks.put("expired", r -> r.auth().oauth2(tokens.sign(with(with(with(claims, "exp", now - 3600), "iat",
                now - 4000), "nbf", now - 4000))));
        attacks.put("not yet valid", r -> r.auth().oauth2(tokens.sign(with(with(claims, "nbf", now + 3600), "exp",
                now + 7200))));
        attacks.put("missing scope", r -> r.auth().oauth2(tokens.sign(with(claims, "scope",
                "nhn:vkp/api/user/bundle.read"))));
        attacks.put("client_amr client_secret_basic", r -> r.auth().oauth2(tokens.sign(with(claims, "client_amr",
                "client_secret_basic"))));
        attacks.put("no client_amr", r -> r.auth().oauth2(tokens.sign(without(claims, "client_amr"))));
        attacks.put("no vkp-id", r -> r.auth().oauth2(tokens.sign(without(claims, "nhn:vkp/client/claims/vkp-id"))));
        attacks.put("an operator token", r -> r.auth().oauth2(tokens.operator()));
        attacks.put("a municipality's EPJ token", r -> r.auth().oauth2(tokens.epj(ORGNR)));
        // signed by the issuer, but not an access token (typ): an ID token's, a logout token's, none at all
        for (String typ : new String[] {"logout+jwt", "dpop+jwt", "JOSE", ""}) {
            Map<String, Object> header = new LinkedHashMap<>(Map.of("alg", "RS256", "kid", "knutepunkt-dev"));
            if (!typ.isEmpty()) {
                header.put("typ", typ);
            }
            attacks.put("typ " + (typ.isEmpty() ? "absent" : typ), r -> r.auth().oauth2(tokens.signWithHeader(header,
                    claims)));
        }

        long before = received();
        List<String> wrong = new ArrayList<>();
        attacks.forEach((name, attack) -> {
            Response r = attack.apply(given()).contentType("application/fhir+json").body(body)
                    .post("/epj/r4/" + ORGNR + "/bundle");
            if ((r.statusCode() != 401 && r.statusCode() != 403)
                    || !"OperationOutcome".equals(r.jsonPath().getString("resourceType"))) {
                wrong.add(name + " -> " + r.statusCode() + " " + abbreviate(r.asString()));
            }
        });
        assertEquals(List.of(), wrong, "attacks that were not refused with 401/403");
        // RFC 6750's challenge: a refused token is invalid_token, a missing one only asks for one
        assertEquals("Bearer error=\"invalid_token\"", given().auth().oauth2(tokens.sign(with(claims, "iss",
                "https://evil.example"))).contentType("application/fhir+json").body(body)
                .post("/epj/r4/" + ORGNR + "/bundle").header("WWW-Authenticate"));
        assertEquals("Bearer", given().contentType("application/fhir+json").body(body)
                .post("/epj/r4/" + ORGNR + "/bundle").header("WWW-Authenticate"));
        assertEquals(before, received(), "a refused request reached the log");
    }

    /**
     * Tokens in the shapes a real HelseID (IdentityServer) sends, which our own signer did not: {@code scope} as a JSON
     * array (answered 500 before), {@code typ} JWT, and an {@code exp} a few seconds behind this clock.
     */
    @Test
    void tokensShapedAsHelseIdSendsThemAreAccepted() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = tokens.baseClaims("helseid-klient", List.of(WRITE));
        claims.put("nhn:vkp/client/claims/vkp-id", VKP_ID);
        Map<String, String> shapes = new LinkedHashMap<>();
        shapes.put("scope as an array", tokens.sign(with(claims, "scope", List.of("openid", WRITE))));
        shapes.put("typ JWT", tokens.signWithHeader(Map.of("alg", "RS256", "typ", "JWT", "kid", "knutepunkt-dev"),
                claims));
        shapes.put("expired 10 s ago (clock skew)", tokens.sign(with(with(with(claims, "exp", now - 10), "iat",
                now - 300), "nbf", now - 300)));
        List<String> wrong = new ArrayList<>();
        shapes.forEach((name, token) -> {
            Response r = given().auth().oauth2(token).contentType("application/fhir+json")
                    .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle");
            if (r.statusCode() != 202) {
                wrong.add(name + " -> " + r.statusCode() + " " + abbreviate(r.asString()));
            }
        });
        assertEquals(List.of(), wrong, "HelseID-shaped tokens that were refused");
        // the array's scopes are what counts: one without the write scope is still refused
        assertEquals(403, given().auth().oauth2(tokens.sign(with(claims, "scope", List.of("openid",
                "nhn:vkp/api/user/bundle.read")))).contentType("application/fhir+json")
                .body(Examples.fresh("01-medication-dispense-success.json")).post("/epj/r4/" + ORGNR + "/bundle")
                .statusCode());
    }

    /** Over 200 requests a vendor should never send, built from the example bundle. */
    static List<Case> hostileInputs() {
        String good = Examples.read("01-medication-dispense-success.json");
        List<Case> cases = new ArrayList<>();
        // truncated bodies, cut at 100 places
        for (int i = 1; i <= 100; i++) {
            cases.add(Case.json("truncated at " + i + "/101", good.substring(0, good.length() * i / 101)));
        }
        // malformed JSON
        String[] malformed = {"", " ", "{", "}", "[]", "[", "null", "true", "\"Bundle\"", "123", "{\"resourceType\":}",
                "{\"resourceType\":\"Bundle\",}", "{'resourceType':'Bundle'}", "{\"resourceType\":\"Bundle\"} trailing",
                good + "}", good + "{}", "{\"resourceType\":\"Bundle\" /* comment */}", "{\"a\":NaN}",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[,]}", "\u0000", "{\"resourceType\"\"Bundle\"}",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[}]}", "{\"resourceType\":Bundle}",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{]}]}"};
        for (int i = 0; i < malformed.length; i++) {
            cases.add(Case.json("malformed " + i, malformed[i]));
        }
        cases.add(new Case("invalid UTF-8", "/epj/r4/" + ORGNR + "/bundle", "application/fhir+json",
                new byte[] {'{', '"', 'r', '"', ':', (byte) 0xC3, (byte) 0x28, '}'}));
        // wrong types where the structure needs a string, an array or an object (a scalar of the wrong JSON type is a
        // known deviation of real traffic: the lenient rule set accepts it with a warning, rule fhir-json-type)
        String[][] retyped = {{"\"resourceType\": \"Bundle\"", "\"resourceType\": 12"},
                {"\"resourceType\": \"Bundle\"", "\"resourceType\": {\"a\":1}"},
                {"\"resourceType\": \"Bundle\"", "\"resourceType\": [\"Bundle\"]"},
                {"\"resourceType\": \"Bundle\"", "\"resourceType\": null"},
                {"\"resourceType\": \"Bundle\"", "\"resourceType\": \"\""},
                {"\"entry\": [", "\"entry\": {\"x\": ["}, {"\"entry\": [", "\"entry\": \"[\", \"x\": ["},
                {"\"entry\": [", "\"entry\": 7, \"x\": ["},
                {"\"resourceType\": \"MedicationDispense\"", "\"resourceType\": 3"},
                {"\"resourceType\": \"MedicationDispense\"", "\"resourceType\": \"Medicationdispense\""},
                {"\"resourceType\": \"MedicationDispense\"", "\"resourceType\": \"EvilResource\""},
                {"\"resourceType\": \"Patient\"", "\"resourceType\": \"Patient\", \"birthDate\": {\"y\": 1}"},
                {"\"value\": \"" + FNR + "\"", "\"value\": null"}};
        for (String[] r : retyped) {
            if (good.contains(r[0])) {
                cases.add(Case.json("wrong type: " + r[1], good.replaceFirst(java.util.regex.Pattern.quote(r[0]),
                        java.util.regex.Matcher.quoteReplacement(r[1]))));
            }
        }
        // deep nesting, past the depth limit
        for (int depth : new int[] {41, 60, 100, 1000, 10_000, 100_000}) {
            cases.add(Case.json("arrays nested " + depth, "{\"resourceType\":\"Bundle\",\"x\":" + "[".repeat(depth)
                    + "]".repeat(depth) + "}"));
            cases.add(Case.json("objects nested " + depth, "{\"resourceType\":\"Bundle\",\"x\":"
                    + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}"));
        }
        // huge arrays
        for (int n : new int[] {501, 5_000, 50_000}) {
            cases.add(Case.json(n + " entries", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                    + String.join(",", java.util.Collections.nCopies(n, "{}")) + "]}"));
        }
        cases.add(Case.json("a million numbers", "{\"resourceType\":\"Bundle\",\"x\":["
                + "1,".repeat(1_000_000) + "1]}"));
        // numbers HAPI would expand into millions of digits (an event loop held for 15 s, a 100 MB answer, an OOM)
        for (String number : new String[] {"1e999999", "1e99999999", "1e999999999", "-1E+2147483648", "0e999999",
                "1" + "0".repeat(999)}) {
            cases.add(Case.json("number " + abbreviate(number), good.replace("\"status\": \"completed\",",
                    "\"status\": \"completed\", \"quantity\": {\"value\": " + number + "},")));
            cases.add(Case.json("integer " + abbreviate(number), good.replace("\"text\": \"Morgendose",
                    "\"sequence\": " + number + ", \"text\": \"Morgendose")));
        }
        // active content in a narrative, which the EPJ shows to a clinician
        String alarm = Examples.read("02-missed-dose-alarm.json");
        for (String html : new String[] {"<script>alert(1)</script>", "<p onclick=\\\"alert(1)\\\">x</p>",
                "<a href=\\\"javascript:alert(1)\\\">x</a>", "<iframe src=\\\"https://evil.example\\\"></iframe>"}) {
            cases.add(Case.json("narrative " + html, alarm.replace("<p>Medisindispenseren meldte",
                    html + "<p>Medisindispenseren meldte")));
        }
        // bodies beyond the size limit
        cases.add(Case.json("10 MB body", good.replace("\"resourceType\": \"Bundle\"",
                "\"resourceType\": \"Bundle\", \"pad\": \"" + "x".repeat(10 * 1024 * 1024) + "\"")));
        cases.add(Case.json("just over 1 MB", good.replace("\"resourceType\": \"Bundle\"",
                "\"resourceType\": \"Bundle\", \"pad\": \"" + "x".repeat(1024 * 1024) + "\"")));
        // unknown or misplaced resources
        for (String type : new String[] {"Foo", "Patient", "MedicationDispense", "Binary", "OperationOutcome",
                "Parameters", "../Bundle", "Bundle\\u0000", "bundle", "BUNDLE", "<script>"}) {
            cases.add(Case.json("resource " + type, "{\"resourceType\":\"" + type + "\",\"type\":\"collection\"}"));
        }
        // invalid national ids and check digits
        for (String id : new String[] {"14834540012", "14834540021", "1483454001", "148345400111", "1483454001a",
                "", "00000000000", "12345678901", "1483454-0011", "١٤٨٣٤٥٤٠٠١١", "14834540011\\n", "99999999999",
                "14834540010", "24834540011", "x"}) {
            cases.add(Case.json("national id " + id, good.replace(FNR, id)));
        }
        // control characters, raw inside strings (invalid JSON) and escaped where FHIR forbids them
        for (char c : new char[] {0, 1, 7, 8, 11, 12, 14, 27, 31}) {
            cases.add(Case.json("raw control " + (int) c, good.replace("\"status\": \"completed\"",
                    "\"status\": \"compl" + c + "eted\"")));
        }
        cases.add(Case.json("lone surrogate", good.replace("\"status\": \"completed\"", "\"status\": \"\\ud800\"")));
        // path tricks where the orgnr goes
        // (a well-formed orgnr with a bad check digit is let through on purpose: VKP's own test municipalities fail it)
        for (String orgnr : new String[] {"31222954", "3122295440", "abcdefghi", "312229544;x",
                "312229544%00", "%2e%2e", "..", "-12229544", "%20312229544", "312229544%2F..%2F974760673",
                "１２３４５６７８９", "9".repeat(1000), "0", "312229544%0A", "%252e%252e"}) {
            cases.add(new Case("orgnr " + orgnr, "/epj/r4/" + orgnr + "/bundle", "application/fhir+json",
                    Case.json("", good).body()));
        }
        cases.add(new Case("unknown resource path", "/epj/r4/" + ORGNR + "/patient", "application/fhir+json",
                Case.json("", good).body()));
        // XML is not accepted, entity bombs included; nor forms
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;"
                + "&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                + "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"&lol3;\"/></Bundle>";
        for (String type : new String[] {"application/fhir+xml", "application/xml", "text/xml"}) {
            cases.add(new Case("XML entity bomb as " + type, "/epj/r4/" + ORGNR + "/bundle", type,
                    bomb.getBytes(StandardCharsets.UTF_8)));
        }
        cases.add(new Case("form body", "/epj/r4/" + ORGNR + "/bundle", "application/x-www-form-urlencoded",
                "resourceType=Bundle".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("octets", "/epj/r4/" + ORGNR + "/bundle", "application/octet-stream",
                new byte[] {0, 1, 2, 3}));
        return cases;
    }

    long received() {
        return new TopicProbe(bootstrap).readAll(List.of(Topics.MESSAGES_RECEIVED), Duration.ofSeconds(2)).size();
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        copy.put(name, value);
        return copy;
    }

    static Map<String, Object> without(Map<String, Object> claims, String name) {
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        copy.remove(name);
        return copy;
    }

    static String unsigned(Map<String, Object> claims, String alg) {
        return segment(Map.of("alg", alg, "typ", "at+jwt")) + "." + segment(claims) + ".";
    }

    static String hs256(Map<String, Object> claims, byte[] secret) {
        try {
            String input = segment(Map.of("alg", "HS256", "typ", "at+jwt", "kid", "knutepunkt-dev")) + "."
                    + segment(claims);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header and claims of one token with the signature of another. */
    static String swapSignature(String token, String other) {
        return token.substring(0, token.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
    }

    static String segment(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    no.knutepunkt.model.event.EventCodec.mapper().writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
