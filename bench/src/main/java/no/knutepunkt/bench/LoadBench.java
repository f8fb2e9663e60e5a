package no.knutepunkt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.model.identity.HelseIdClaims;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End to end against a running hub (`./knutepunkt up`): the four fixture kinds in a realistic mix, from many vendor
 * systems to many municipalities (each with a route to the EPJ stand-in and a grant per system), at a fixed rate
 * (open loop: a slow hub shows as latency, not as fewer requests). It measures from the HTTP send to the 202, and
 * from the send to the moment the EPJ stand-in stored the message, and counts every accepted message that never
 * arrived. Then, on the same broker, the same payloads at the same rate through four bare Kafka hops
 * ({@link KafkaBaseline}), and the ratio of the two.
 * Usage: LoadBench RATE SECONDS [VENDORS] [MUNICIPALITIES]
 */
public final class LoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRITE = HelseIdClaims.vkpScope("bundle", "write");
    /** The mix: dispenser events most, then alarms, supervision, response centre logs. */
    private static final Map<String, Integer> MIX = Map.of("01-medication-dispense-success.json", 50,
            "02-missed-dose-alarm.json", 20, "03-digital-supervision-encounter.json", 20,
            "04-response-centre-alarm-log.json", 10);

    private LoadBench() {
    }

    record Sent(String marker, String type, long sentNanos, Instant sentAt) {
    }

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int vendors = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int municipalities = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        String ingest = env("KNUTEPUNKT_INGEST_URL");
        String epj = env("KNUTEPUNKT_EPJ_URL");
        DevTokens tokens = DevTokens.fromEnvironment();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<String> orgnrs = orgnrs(municipalities);
        Map<String, String> senderTokens = setUp(http, tokens, orgnrs, vendors);
        List<String> bodies = new ArrayList<>();
        List<String> types = new ArrayList<>();
        MIX.forEach((fixture, share) -> {
            String body = read(fixture);
            for (int i = 0; i < share; i++) {
                bodies.add(body);
                types.add(fixture.startsWith("01") ? "MedicationDispense" : "Encounter");
            }
        });

        // a warm-up (JIT, pools, HAPI's validator) that is not measured: 10 s at the rate, all of it delivered
        Offered warmUp = offer(http, ingest, senderTokens, tokens, bodies, types, rate, 10);
        waitFor(http, epj, warmUp.accepted(), 120);
        Offered run = offer(http, ingest, senderTokens, tokens, bodies, types, rate, seconds);
        Map<String, Sent> accepted = run.accepted();
        List<Long> answers = run.answers();
        Map<Integer, AtomicInteger> statuses = run.statuses();
        double offeredFor = run.offeredFor();
        int total = rate * seconds;

        // every accepted message must arrive; wait for the last ones, then read what the EPJ stored and when
        int patience = Math.max(300, 3 * seconds);
        Map<String, Instant> stored = waitFor(http, epj, accepted, patience);
        List<Long> endToEnd = new ArrayList<>();
        Instant last = null;
        int lost = 0;
        for (Sent s : accepted.values()) {
            Instant at = stored.get(storedAtKey(s));
            if (at == null) {
                lost++;
                continue;
            }
            endToEnd.add(Math.max(0, Duration.between(s.sentAt(), at).toNanos()));
            last = last == null || at.isAfter(last) ? at : last;
        }
        Instant first = accepted.values().stream().map(Sent::sentAt).min(Instant::compareTo).orElse(Instant.now());
        double deliveredFor = last == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
        long[] to202 = answers.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] e2e = endToEnd.stream().mapToLong(Long::longValue).sorted().toArray();

        KafkaBaseline.Result baseline = KafkaBaseline.run(env("KNUTEPUNKT_KAFKA"), bodies, rate, seconds);
        double hubRate = deliveredFor == 0 ? 0 : e2e.length / deliveredFor;
        List<String> lines = new ArrayList<>(List.of(
                "hub: ingest, consent, routing, delivery and audit services, Kafka broker, PostgreSQL and EPJ stand-in "
                        + "on this machine; " + vendors + " vendor systems x " + municipalities + " municipalities; mix "
                        + "50% dispenser, 20% alarm, 20% supervision, 10% response centre; Prefer: respond-async",
                String.format("offered after a 10 s warm-up at the same rate: %d bundles at %d/s for %d s (sent in "
                        + "%.1f s); answers by status: %s", total, rate, seconds, offeredFor, statuses),
                String.format("delivered to the EPJ: %d of %d accepted; not there %d s after the last send: %d; "
                        + "%.1f bundles/s from first send to last arrival", e2e.length, accepted.size(), patience, lost,
                        hubRate),
                "to the 202:  " + Machine.percentiles(to202),
                "end to end:  " + Machine.percentiles(e2e),
                String.format("baseline, 4 bare Kafka hops (consume, produce, acks=all) on the same broker, same "
                        + "payloads and rate: %d of %d relayed, %.1f msgs/s; end to end %s", baseline.relayed(),
                        baseline.offered(), baseline.rate(), Machine.percentiles(baseline.latencies())),
                String.format("ratio hub / baseline (messages per second end to end): %.2f",
                        baseline.rate() == 0 ? 0 : hubRate / baseline.rate())));
        Machine.report("e2e-" + rate + "rps-" + seconds + "s", lines);
    }

    record Offered(Map<String, Sent> accepted, List<Long> answers, Map<Integer, AtomicInteger> statuses,
            double offeredFor) {
    }

    /** Offers {@code rate * seconds} bundles on schedule, whether or not earlier ones have been answered. */
    private static Offered offer(HttpClient http, String ingest, Map<String, String> senderTokens, DevTokens tokens,
            List<String> bodies, List<String> types, int rate, int seconds) throws Exception {
        List<String> senders = new ArrayList<>(senderTokens.keySet());
        Map<String, Sent> accepted = new ConcurrentHashMap<>();
        List<Long> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        long interval = 1_000_000_000L / rate;
        int total = rate * seconds;
        long start = System.nanoTime();
        long tokensMade = start;
        for (int i = 0; i < total; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (System.nanoTime() - tokensMade > 120_000_000_000L) { // a token lives five minutes
                senderTokens.replaceAll((vkpId, old) -> tokens.vendor(vkpId, List.of(WRITE)));
                tokensMade = System.nanoTime();
            }
            String sender = senders.get(i % senders.size());
            String orgnr = sender.substring(sender.lastIndexOf('_') + 1);
            int pick = (int) ((i * 7919L) % bodies.size());
            String marker = UUID.randomUUID().toString();
            String body = bodies.get(pick).replaceAll("urn:uuid:[0-9a-f-]{36}", "urn:uuid:" + marker);
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + "/epj/r4/" + orgnr + "/bundle"))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + senderTokens.get(sender))
                    .header("Content-Type", "application/fhir+json").header("Prefer", "respond-async")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            Sent sent = new Sent(marker, types.get(pick), System.nanoTime(), Instant.now());
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                int status = e == null ? r.statusCode() : -1;
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 202) {
                    answers.add(System.nanoTime() - sent.sentNanos());
                    accepted.put(marker, sent);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        return new Offered(accepted, answers, statuses, (System.nanoTime() - start) / 1e9);
    }

    /** What the stand-in holds once every accepted message is there, or the wait is over. */
    private static Map<String, Instant> waitFor(HttpClient http, String epj, Map<String, Sent> accepted, int seconds)
            throws Exception {
        List<String> keys = accepted.values().stream().map(LoadBench::storedAtKey).toList();
        Map<String, Instant> stored = storedAt(http, epj);
        Instant deadline = Instant.now().plusSeconds(seconds);
        while (!stored.keySet().containsAll(keys) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            stored = storedAt(http, epj);
        }
        return stored;
    }

    private static String storedAtKey(Sent s) {
        return s.type() + "|urn:uuid:" + s.marker();
    }

    /** What the stand-in holds of the two marked types, by type and identifier, with the time it stored each. */
    private static Map<String, Instant> storedAt(HttpClient http, String epj) throws Exception {
        Map<String, Instant> at = new HashMap<>();
        for (String type : List.of("MedicationDispense", "Encounter")) {
            JsonNode all = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(epj + "/" + type)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode e : all.path("entry")) {
                JsonNode r = e.path("resource");
                for (JsonNode id : r.path("identifier")) {
                    at.put(type + "|" + id.path("value").asText(), Instant.parse(r.path("meta").path("lastUpdated")
                            .asText()));
                }
            }
        }
        return at;
    }

    /** Municipalities with routes to the stand-in and a grant for every vendor system; answers sender → token. */
    private static Map<String, String> setUp(HttpClient http, DevTokens tokens, List<String> orgnrs, int vendors)
            throws Exception {
        String operator = tokens.operator();
        Map<String, String> senders = new ConcurrentHashMap<>();
        for (String orgnr : orgnrs) {
            String route = JSON.createObjectNode().put("epjProduct", "generic-fhir").put("mode", "push")
                    .put("endpoint", env("KNUTEPUNKT_EPJ_URL")).toString();
            expect2xx(call(http, "PUT", env("KNUTEPUNKT_ROUTING_URL") + "/routing/v1/routes/" + orgnr, operator, route));
            String admin = tokens.municipalityAdmin(orgnr);
            String grants = env("KNUTEPUNKT_CONSENT_URL") + "/consent/v1/municipalities/" + orgnr + "/grants";
            String existing = call(http, "GET", grants, admin, null).body();
            for (int v = 0; v < vendors; v++) {
                String vkpId = "Lastleverandor_System" + v + "_" + orgnr;
                if (!existing.contains("\"" + vkpId + "\"")) {
                    String grant = JSON.createObjectNode().put("vkpId", vkpId).put("vendor", "Lastleverandor")
                            .put("system", "System" + v).put("legalBasis", "ytelsesmåling")
                            .set("scopes", JSON.createArrayNode().add(WRITE))
                            .toString();
                    expect2xx(call(http, "POST", grants, admin, grant));
                }
                senders.put(vkpId, tokens.vendor(vkpId, List.of(WRITE)));
            }
            // the route is in force once routing has projected it
            Instant deadline = Instant.now().plusSeconds(30);
            while (call(http, "GET", env("KNUTEPUNKT_ROUTING_URL") + "/routing/v1/routes/" + orgnr, operator, null)
                    .statusCode() != 200) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the route of " + orgnr + " did not come into force");
                }
                Thread.sleep(100);
            }
        }
        return senders;
    }

    /** Nine-digit organisation numbers with a valid mod-11 check digit, from 920000000 up. */
    static List<String> orgnrs(int n) {
        int[] weights = {3, 2, 7, 6, 5, 4, 3, 2};
        List<String> found = new ArrayList<>();
        for (int base = 92_000_000; found.size() < n; base++) {
            String digits = Integer.toString(base);
            int sum = 0;
            for (int i = 0; i < 8; i++) {
                sum += (digits.charAt(i) - '0') * weights[i];
            }
            int k = 11 - sum % 11;
            if (k != 10) {
                found.add(digits + (k == 11 ? 0 : k));
            }
        }
        return found;
    }

    private static HttpResponse<String> call(HttpClient http, String method, String url, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect2xx(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.request().uri() + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static String read(String fixture) {
        try {
            return Files.readString(Path.of(System.getProperty("bench.examples", "examples"), fixture));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set (run through ./knutepunkt bench e2e)");
        }
        return value;
    }
}
