package no.knutepunkt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.ReadAnswered;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.kafka.Topics;

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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads through a running hub ({@code ./knutepunkt up}) as the demo vendor, open loop at a fixed rate: a mix of
 * VKP's searches of the stand-in EPJ's patients (one patient's visit plan, conditions, medications, services; a
 * list of the patients with an alarm service), first alone, then with writes flowing at the same time. Per read:
 * the answer time, and the hub's own share of it (the answer time less the EPJ's time for the same read, as the
 * gateway measured it and put on the log in {@code ReadAnswered.epjMillis}). Per process: CPU time per operation,
 * from {@code /proc/PID/stat}, so that the figure holds on a noisy machine.
 */
public final class ReadBench {

    private static final String ORGNR = "312229544";
    private static final String PATIENT = "12854849156";
    /** The searches, as a vendor's system makes them: resource, form body, ServiceCodes. */
    private static final List<String[]> MIX = List.of(
            new String[] {"careplan", "patient.identifier=" + PATIENT + "&date=ge2026-11-01&date=le2026-12-31", "ta"},
            new String[] {"condition", "patient.identifier=" + PATIENT, "ta"},
            new String[] {"medicationstatement", "patient.identifier=" + PATIENT, "md"},
            new String[] {"episodeofcare", "patient.identifier=" + PATIENT, "ta,md"},
            new String[] {"patient", "", "ta"});

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String ingest = env("KNUTEPUNKT_INGEST_URL");
    private final HubProcesses hubProcesses = new HubProcesses(Path.of(env("KNUTEPUNKT_HOME")), env("KNUTEPUNKT_KAFKA"));
    private final DevTokens tokens = DevTokens.fromEnvironment();
    /** The demo vendor's tokens, signed afresh for each phase: a long warm-up and drain outlive one. */
    private String reader;
    private String writer;
    private final List<String> scopes = new ArrayList<>();
    private final String bundle;

    private ReadBench() throws Exception {
        VkpReads.READABLE.keySet().forEach(r -> scopes.add(HelseIdClaims.vkpScope(r, "read")));
        signTokens();
        bundle = Files.readString(Path.of("examples/01-medication-dispense-success.json"));
    }

    record Read(String readId, int status, long nanos) {
    }

    record Phase(List<Read> reads, Map<Integer, Integer> writes, HubProcesses.Cpu cpu, double seconds) {

        int operations() {
            return reads.size() + writes.values().stream().mapToInt(Integer::intValue).sum();
        }

        double cpuMillisPerOperation() {
            return cpu.millisPer(operations());
        }

        Map<Integer, Integer> statuses() {
            Map<Integer, Integer> statuses = new TreeMap<>();
            reads.forEach(r -> statuses.merge(r.status(), 1, Integer::sum));
            return statuses;
        }
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int writeRate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 120;
        ReadBench bench = new ReadBench();
        List<String> lines = new ArrayList<>();
        // the JIT, pools and connections, measured apart: a JVM compiles for minutes after its first requests
        if (warmUp > 0) {
            int warmRate = Math.min(rate, 20);
            int warmWrites = Math.min(writeRate, 10);
            Phase warming = bench.phase(warmRate, warmUp, warmWrites);
            lines.add(String.format("warm-up (not in the figures below): %d reads/s with %d writes/s for %d s; "
                    + "its CPU per operation %.2f ms, reads by status %s", warmRate, warmWrites, warmUp,
                    warming.cpuMillisPerOperation(), warming.statuses()));
            lines.add(bench.hubProcesses.drained(Duration.ofMinutes(5)));
        }
        lines.add(bench.hubProcesses.jvmOptions());
        lines.add(bench.hubProcesses.idle(10));
        lines.add(String.format("hub: five services, Kafka, PostgreSQL and the EPJ stand-in on this machine; the "
                + "demo vendor reading municipality %s's EPJ, open loop, mix of %d searches (one patient's visit "
                + "plan, conditions, medications, services; the list of patients with an alarm service); reads "
                + "over HTTP/1.1; read deadline as configured", ORGNR, MIX.size()));
        Phase alone = bench.phase(rate, seconds, 0);
        lines.addAll(bench.report("reads alone", rate, 0, alone));
        Phase mixed = bench.phase(rate, seconds, writeRate);
        lines.addAll(bench.report("reads with writes", rate, writeRate, mixed));
        Machine.report("read-" + rate + "rps-" + seconds + "s-" + writeRate + "wps", lines);
    }

    private void signTokens() throws Exception {
        String vkpId = "Demoleverandor_Demosystem_" + ORGNR;
        reader = tokens.vendor(vkpId, scopes);
        writer = tokens.vendor(vkpId, List.of(HelseIdClaims.vkpScope("bundle", "write")));
    }

    private Phase phase(int rate, int seconds, int writeRate) throws Exception {
        signTokens();
        HubProcesses.Cpu before = hubProcesses.cpu();
        ConcurrentLinkedQueue<Read> done = new ConcurrentLinkedQueue<>();
        Map<Integer, Integer> writes = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        int total = rate * seconds;
        int totalWrites = writeRate * seconds;
        AtomicInteger w = new AtomicInteger();
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            // writes interleaved at their own rate
            while (w.get() < totalWrites && start + (long) (w.get() * 1e9 / writeRate) <= due) {
                w.incrementAndGet();
                inFlight.add(http.sendAsync(write(), HttpResponse.BodyHandlers.discarding())
                        .handle((r, e) -> writes.merge(r == null ? -1 : r.statusCode(), 1, Integer::sum)));
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String[] search = MIX.get(i % MIX.size());
            long sent = System.nanoTime();
            inFlight.add(http.sendAsync(read(search), HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                done.add(new Read(r == null ? null : r.headers().firstValue("X-Read-Id").orElse(null),
                        r == null ? -1 : r.statusCode(), System.nanoTime() - sent));
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get();
        double took = (System.nanoTime() - start) / 1e9;
        return new Phase(new ArrayList<>(done), writes, hubProcesses.cpu().since(before), took);
    }

    private List<String> report(String name, int rate, int writeRate, Phase phase) throws Exception {
        Map<Integer, Integer> statuses = phase.statuses();
        Map<String, Long> epj = epjMillis(phase.reads());
        List<Long> answer = new ArrayList<>();
        List<Long> hub = new ArrayList<>();
        for (Read r : phase.reads()) {
            answer.add(r.nanos());
            Long e = r.readId() == null ? null : epj.get(r.readId());
            if (r.status() == 200 && e != null) {
                hub.add(Math.max(0, r.nanos() - e * 1_000_000));
            }
        }
        int operations = phase.operations();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("## %s: %d reads/s for %.0f s%s; reads by status %s%s", name, rate,
                phase.seconds(), writeRate == 0 ? "" : " with " + writeRate + " writes/s", statuses,
                writeRate == 0 ? "" : "; writes by status " + new TreeMap<>(phase.writes())));
        lines.add(String.format("sustained: %.1f reads/s answered", phase.reads().size() / phase.seconds()));
        lines.add("answer time:        " + Machine.percentiles(sorted(answer)));
        lines.add("hub's own share:    " + Machine.percentiles(sorted(hub)) + " (answer less the EPJ's time)");
        lines.add("CPU per operation (" + operations + " reads and writes), by process: "
                + phase.cpu().perOperation(operations));
        return lines;
    }

    /** What the EPJ took for each read, from the log's {@code ReadAnswered} events. */
    private Map<String, Long> epjMillis(List<Read> reads) {
        Map<String, Long> found = new ConcurrentHashMap<>();
        for (var record : new TopicProbe(env("KNUTEPUNKT_KAFKA")).readAll(List.of(Topics.READ_OUTCOMES),
                Duration.ofSeconds(3))) {
            EventEnvelope e = EventCodec.decode(record.value());
            if (e.payload() instanceof ReadAnswered a) {
                found.put(a.readId(), a.epjMillis());
            }
        }
        return found;
    }

    private HttpRequest read(String[] search) {
        return HttpRequest.newBuilder(URI.create(ingest + "/epj/r4/" + ORGNR + "/" + search[0] + "/_search"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + reader)
                .header("ServiceCodes", search[2]).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(search[1])).build();
    }

    private HttpRequest write() {
        String body = bundle.replaceAll("urn:uuid:[0-9a-f-]{36}", "urn:uuid:" + UUID.randomUUID());
        return HttpRequest.newBuilder(URI.create(ingest + "/epj/r4/" + ORGNR + "/bundle"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + writer)
                .header("Content-Type", "application/fhir+json").header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set (run through ./knutepunkt bench read)");
        }
        return value;
    }
}
