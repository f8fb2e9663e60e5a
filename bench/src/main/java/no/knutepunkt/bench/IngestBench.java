package no.knutepunkt.bench;

import no.knutepunkt.cli.DevTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingest against a running hub and its real broker: POSTs fixture 01 with fresh identifiers at a fixed rate for a
 * while, from several vendor systems, and reports accepted bundles/s and the latency to the answer (p50/p99).
 * Requests are sent on schedule whether or not earlier ones have answered, so slowness shows as latency.
 * Usage: IngestBench INGEST_URL RATE SECONDS [SENDERS]
 */
public final class IngestBench {

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int senders = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String orgnr = System.getenv().getOrDefault("KNUTEPUNKT_DEMO_ORGNR", "312229544");
        String template = Files.readString(Path.of(System.getProperty("bench.examples", "examples"),
                "01-medication-dispense-success.json"));
        DevTokens tokens = DevTokens.fromEnvironment();
        List<String> senderTokens = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            // each token lives 5 minutes: the run must be shorter
            senderTokens.add(tokens.vendor("Benchleverandor_System" + i + "_" + orgnr,
                    List.of("nhn:vkp/api/user/bundle.write")));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        long intervalNanos = 1_000_000_000L / rate;
        int total = rate * seconds;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String body = template.replaceAll("urn:uuid:[0-9a-f-]{36}", "urn:uuid:" + UUID.randomUUID());
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/epj/r4/" + orgnr + "/bundle"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + senderTokens.get(i % senders))
                    .header("Content-Type", "application/fhir+json")
                    .header("Prefer", "respond-async")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long sent = System.nanoTime();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                statuses.computeIfAbsent(e == null ? r.statusCode() : -1, s -> new AtomicInteger()).incrementAndGet();
                if (e == null && r.statusCode() == 202) {
                    latencies.add(System.nanoTime() - sent);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Machine.report("ingest-" + rate + "rps", List.of(
                "target: " + url + " (services, broker and database on this machine), " + senders
                        + " vendor systems, fixture 01 with fresh ids, Prefer: respond-async",
                "offered: " + total + " bundles at " + rate + "/s for " + seconds + " s; answers by status: " + statuses,
                String.format("accepted: %d bundles in %.1f s = %.1f bundles/s", sorted.length, elapsed,
                        sorted.length / elapsed),
                String.format("202 latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                        Machine.percentile(sorted, 50) / 1e6, Machine.percentile(sorted, 99) / 1e6,
                        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6)));
    }
}
