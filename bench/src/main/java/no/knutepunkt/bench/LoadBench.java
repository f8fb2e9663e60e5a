package no.knutepunkt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.cli.TopicProbe;
import no.knutepunkt.model.kafka.Topics;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.identity.NationalId;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Load against a running hub (`./knutepunkt up`): the four fixture kinds in a realistic mix, from many vendor systems
 * to many municipalities (each with a route to the EPJ stand-in and a grant per system), about many patients
 * (synthetic identities), at a fixed rate (open loop: a slow hub shows as latency, not as fewer requests). It
 * measures from the HTTP send to the 202, and from the send to the moment the EPJ stand-in stored the message, and
 * counts every accepted message that never arrived. One more municipality's EPJ pulls its messages (JFT-style) and
 * acknowledges each as journaled; for its messages the time is measured from the send to the acknowledgement's
 * answer. Five ways to run it:
 * <ul>
 * <li>{@code e2e RATES SECONDS VENDORS MUNICIPALITIES}: each rate in turn, then the same payloads at that rate through
 * four bare Kafka hops ({@link KafkaBaseline}), and the ratio;</li>
 * <li>{@code flat SECONDS CONCURRENCY}: flat out, closed loop: CONCURRENCY sends in flight, each next one as soon as
 * one is answered;</li>
 * <li>{@code max SECONDS START}: the highest rate the hub sustains for SECONDS with nothing lost and no backlog
 * left, found by doubling from START, then halving the interval once;</li>
 * <li>{@code crash RATE}: during load, kill -9 each service in turn, then the broker, and restart each; every
 * accepted message must be in the EPJ, delivered once, and how long after the last restart that took;</li>
 * <li>{@code outage RATE MINUTES}: the EPJ stand-in is down for MINUTES during load; afterwards everything is
 * delivered in each patient's order, with the attempts made meanwhile counted from the log.</li>
 * </ul>
 */
public final class LoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRITE = HelseIdClaims.vkpScope("bundle", "write");
    /** The mix: dispenser events most, then alarms, supervision, response centre logs. */
    private static final Map<String, Integer> MIX = Map.of("01-medication-dispense-success.json", 50,
            "02-missed-dose-alarm.json", 20, "03-digital-supervision-encounter.json", 20,
            "04-response-centre-alarm-log.json", 10);
    /** The fixtures' patients, each replaced by one of the synthetic ones. */
    private static final List<String> FIXTURE_PATIENTS = List.of("14834540011", "02913846098");
    private static final int PATIENTS = 2000;
    /** How often the max-rate search halves the interval after doubling: each step is a full run. */
    private static final int HALVINGS = 1;
    /** How often the pulling EPJ asks for what is pending, when the last page was not full. */
    private static final Duration PULL_EVERY = Duration.ofMillis(500);
    private static final String HUB = "hub: ingest, consent, routing, delivery and audit services, Kafka broker, "
            + "PostgreSQL and EPJ stand-in on this machine; mix 50% dispenser, 20% alarm, 20% supervision, 10% response"
            + " centre about " + PATIENTS + " synthetic patients; Prefer: respond-async";

    record Sent(String marker, String type, String patient, boolean pull, long sentNanos, Instant sentAt,
            long[] answeredNanos, String[] messageId) {

        /** How the stand-in knows it (type and identifier), or the pulling EPJ (its message id). */
        String key() {
            return pull ? JOURNALED + messageId[0] : type + "|urn:uuid:" + marker;
        }
    }

    private static final String JOURNALED = "journaled|";

    record Offered(Map<String, Sent> accepted, List<Long> answers, Map<Integer, AtomicInteger> statuses,
            double offeredFor) {
    }

    /** A disruption at a second of the offered load: what it does. */
    record Step(int atSecond, String what, ThrowingRunnable action) {
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * Each vendor system sends through a client of its own over HTTP/1.1, as VKP integrations do (.NET's default):
     * one shared client would talk HTTP/2 over a single connection, served by one of ingest's event loops, and queue
     * the sends past the connection's stream limit in the generator itself.
     */
    private final Map<String, HttpClient> vendorClients = new ConcurrentHashMap<>();
    private final String ingest = env("KNUTEPUNKT_INGEST_URL");
    private final String epj = env("KNUTEPUNKT_EPJ_URL");
    private final DevTokens tokens = DevTokens.fromEnvironment();
    private final HubProcesses processes = new HubProcesses(java.nio.file.Path.of(env("KNUTEPUNKT_HOME")),
            env("KNUTEPUNKT_KAFKA"));
    private final List<String> bodies = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final List<String> patients = new ArrayList<>();
    private final Map<String, String> senderTokens;
    /** When the senders' tokens were made: they are made again before they are two minutes old. */
    private long tokensMade = System.nanoTime();
    private final int vendors;
    private final int municipalities;
    /** The municipality whose EPJ pulls, and what it acknowledged when: message id → the acknowledgement's answer. */
    private final String pulling;
    private final Map<String, Instant> journaled = new ConcurrentHashMap<>();

    private LoadBench(int vendors, int municipalities) throws Exception {
        this.vendors = vendors;
        this.municipalities = municipalities;
        List<String> orgnrs = orgnrs(municipalities + 1);
        this.pulling = orgnrs.get(municipalities);
        this.senderTokens = setUp(orgnrs, vendors);
        Thread poller = new Thread(this::pull, "pulling-epj");
        poller.setDaemon(true);
        poller.start();
        MIX.forEach((fixture, share) -> {
            String body = read(fixture);
            for (int i = 0; i < share; i++) {
                bodies.add(body);
                types.add(fixture.startsWith("01") ? "MedicationDispense" : "Encounter");
            }
        });
        Random random = new Random(42);
        for (int i = 0; i < PATIENTS; i++) {
            patients.add(NationalId.synthetic(random));
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "e2e" -> {
                LoadBench bench = new LoadBench(arg(args, 3, 10), arg(args, 4, 5));
                List<String> lines = new ArrayList<>(List.of(bench.hub()));
                lines.addAll(bench.warmUp(Integer.parseInt(args[1].split(",")[0])));
                for (String rate : args[1].split(",")) {
                    lines.addAll(bench.e2e(Integer.parseInt(rate), arg(args, 2, 60)));
                }
                Machine.report("e2e-" + args[1].replace(',', '-') + "rps-" + arg(args, 2, 60) + "s", lines);
            }
            case "flat" -> new LoadBench(10, 5).flat(arg(args, 1, 60), arg(args, 2, 64));
            case "max" -> new LoadBench(10, 5).max(arg(args, 1, 300), arg(args, 2, 5));
            case "crash" -> new LoadBench(10, 5).crash(arg(args, 1, 10));
            case "outage" -> new LoadBench(10, 5).outage(arg(args, 1, 10), arg(args, 2, 10));
            default -> throw new IllegalArgumentException("e2e | flat | max | crash | outage, not " + mode);
        }
    }

    private String hub() {
        return HUB + "; " + vendors + " vendor systems x " + municipalities + " municipalities with push EPJs (the "
                + "stand-in) and 1 whose EPJ pulls (every " + PULL_EVERY.toMillis() + " ms when idle, pages of 200) and"
                + " acknowledges each message as journaled";
    }

    /**
     * JIT, pools and HAPI's validator, reported but not in the figures: 60 s at the rate (at most 20/s, which a cold
     * hub keeps up with), all of it delivered, the consumer groups drained; then the idle hub's own CPU.
     */
    private List<String> warmUp(int rate) throws Exception {
        int warmRate = Math.min(rate, 20);
        HubProcesses.Cpu before = processes.cpu();
        Offered warmUp = offer(warmRate, 60, List.of());
        Map<String, Instant> arrived = waitFor(warmUp.accepted(), 300);
        HubProcesses.Cpu used = processes.cpu().since(before);
        return List.of(String.format("warm-up (not in the figures): %d bundles/s for 60 s, %d accepted, %d arrived; "
                + "hub CPU %.1f ms per message", warmRate, warmUp.accepted().size(), arrived.size(),
                used.millisPer(warmUp.accepted().size())), processes.drained(Duration.ofMinutes(5)),
                processes.jvmOptions(), processes.idle(10));
    }

    /** The hub's CPU from the first send until every accepted message arrived (or the wait ended), per message. */
    private static String cpuPerMessage(HubProcesses.Cpu used, int messages) {
        return "CPU per message (" + messages + " accepted, first send to last arrival), by process: "
                + used.perOperation(messages);
    }

    /** One rate's figures, hub and baseline. */
    private List<String> e2e(int rate, int seconds) throws Exception {
        HubProcesses.Cpu before = processes.cpu();
        Offered run = offer(rate, seconds, List.of());
        // long enough for a saturated hub to drain at 5/s, so that the next rate starts on an empty hub
        Arrivals arrivals = arrivals(run, Math.max(300, Math.max(3 * seconds, rate * seconds / 5)));
        HubProcesses.Cpu used = processes.cpu().since(before);
        KafkaBaseline.Result baseline = KafkaBaseline.run(env("KNUTEPUNKT_KAFKA"), bodies, rate, seconds);
        return List.of(
                String.format("## %d/s: %d bundles for %d s (sent in %.1f s); answers by status: %s", rate,
                        rate * seconds, seconds, run.offeredFor(), run.statuses()),
                arrivals.summary(),
                "to the 202:  " + Machine.percentiles(sorted(run.answers())),
                "end to end:  " + Machine.percentiles(arrivals.endToEnd()),
                "to journaled (pull): " + Machine.percentiles(arrivals.toJournaled()),
                cpuPerMessage(used, run.accepted().size()),
                String.format("baseline, 4 bare Kafka hops (consume, produce, acks=all) on the same broker, same "
                        + "payloads and rate: %d of %d relayed, %.1f msgs/s; end to end %s", baseline.relayed(),
                        baseline.offered(), baseline.rate(), Machine.percentiles(baseline.latencies())),
                String.format("ratio hub / baseline (messages per second end to end): %.2f",
                        baseline.rate() == 0 ? 0 : arrivals.rate() / baseline.rate()));
    }

    /** Flat out: {@code concurrency} sends in flight for {@code seconds}; what the hub takes in and delivers. */
    private void flat(int seconds, int concurrency) throws Exception {
        List<String> warmUp = warmUp(10);
        HubProcesses.Cpu before = processes.cpu();
        Offered run = offer(0, seconds, List.of(), concurrency);
        Arrivals arrivals = arrivals(run, Math.max(300, 3 * seconds));
        HubProcesses.Cpu used = processes.cpu().since(before);
        int answered = run.statuses().values().stream().mapToInt(AtomicInteger::get).sum();
        List<String> lines = new ArrayList<>(List.of(hub()));
        lines.addAll(warmUp);
        lines.addAll(List.of(
                String.format("flat out, closed loop: %d sends in flight for %d s: %d answered (%.1f/s), %d accepted "
                        + "(%.1f/s); answers by status: %s", concurrency, seconds, answered, answered / run.offeredFor(),
                        run.accepted().size(), run.accepted().size() / run.offeredFor(), run.statuses()),
                arrivals.summary(),
                "to the 202:  " + Machine.percentiles(sorted(run.answers())),
                "end to end:  " + Machine.percentiles(arrivals.endToEnd()),
                "to journaled (pull): " + Machine.percentiles(arrivals.toJournaled()),
                cpuPerMessage(used, run.accepted().size())));
        Machine.report("flat-out-" + seconds + "s-" + concurrency + "c", lines);
    }

    /**
     * Sustained means: every accepted message arrived, and the last of them within 30 s of the last send (the hub
     * kept up instead of building a backlog). Doubling from {@code start} until a rate is not sustained, then
     * {@link #HALVINGS} halvings of the interval between the last sustained rate and the first that was not.
     */
    private void max(int seconds, int start) throws Exception {
        List<String> lines = new ArrayList<>(List.of(hub()));
        lines.addAll(warmUp(start));
        lines.add("sustained = zero loss and the last arrival within 30 s of the last send, for " + seconds + " s");
        int good = 0;
        int bad = 0;
        for (int rate = start; bad == 0; rate *= 2) {
            boolean ok = sustained(rate, seconds, lines);
            if (ok) {
                good = rate;
            } else {
                bad = rate;
            }
        }
        for (int i = 0; i < HALVINGS && bad - good > 1; i++) {
            int rate = (good + bad) / 2;
            if (sustained(rate, seconds, lines)) {
                good = rate;
            } else {
                bad = rate;
            }
        }
        lines.add(good == 0 ? "not even " + start + "/s was sustained"
                : "highest rate sustained for " + seconds + " s with zero loss: " + good + " bundles/s (" + bad
                        + "/s was not)");
        Machine.report("max-rate-" + seconds + "s", lines);
    }

    private boolean sustained(int rate, int seconds, List<String> lines) throws Exception {
        HubProcesses.Cpu before = processes.cpu();
        Offered run = offer(rate, seconds, List.of());
        Arrivals arrivals = arrivals(run, Math.max(300, 3 * seconds));
        HubProcesses.Cpu used = processes.cpu().since(before);
        long lag = arrivals.last() == null ? Long.MAX_VALUE : Duration.between(run.accepted().values().stream()
                .map(Sent::sentAt).max(Comparator.naturalOrder()).orElseThrow(), arrivals.last()).toSeconds();
        boolean ok = arrivals.missing() == 0 && run.accepted().size() == rate * seconds && lag <= 30;
        lines.add(String.format("%d/s: %s; last arrival %d s after the last send; end to end %s; hub CPU %.1f ms per "
                + "message -> %s", rate, arrivals.summary(), lag, Machine.percentiles(arrivals.endToEnd()),
                used.millisPer(run.accepted().size()), ok ? "sustained" : "not sustained"));
        System.out.println(lines.get(lines.size() - 1));
        return ok;
    }

    /** Each service killed with -9 and restarted in turn, then the broker, 20 s apart, while the load goes on. */
    private void crash(int rate) throws Exception {
        warmUp(rate);
        List<String> targets = List.of("consent-service", "routing-service", "audit-service", "delivery-service",
                "ingest-service", "kafka");
        List<Step> steps = new ArrayList<>();
        Instant[] lastRestart = new Instant[1];
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            steps.add(new Step(10 + 20 * i, "kill -9 " + target + ", then start it", () -> {
                cli("kill", target);
                Thread.sleep(1000);
                cli("start", target);
                lastRestart[0] = Instant.now();
            }));
        }
        int seconds = 10 + 20 * targets.size() + 10;
        Offered run = offer(rate, seconds, steps);
        Arrivals arrivals = arrivals(run, 300);
        // a push EPJ's message is delivered, a pulling EPJ's journaled: either once
        Map<String, Long> deliveries = outcomes(run).stream()
                .filter(e -> e.payload() instanceof MessageDelivered || e.payload() instanceof MessageJournaled)
                .collect(Collectors.groupingBy(EventEnvelope::correlationid, Collectors.counting()));
        long twice = deliveries.values().stream().filter(n -> n > 1).count();
        long never = run.accepted().values().stream().filter(s -> !deliveries.containsKey(s.messageId()[0])).count();
        Duration after = arrivals.last() == null ? null : Duration.between(lastRestart[0], arrivals.last());
        Machine.report("crash-" + rate + "rps", List.of(hub(),
                String.format("offered %d bundles at %d/s for %d s; answers by status: %s (a refused or unanswered "
                        + "send is not accepted: the vendor sends it again)", rate * seconds, rate, seconds,
                        run.statuses()),
                "drill: " + steps.stream().map(s -> "at " + s.atSecond() + " s " + s.what())
                        .collect(Collectors.joining("; ")),
                arrivals.summary(),
                String.format("MessageDelivered (push) and MessageJournaled (pull) events: %d accepted messages "
                        + "delivered once, %d more than once, %d never", deliveries.size() - twice, twice, never),
                "every accepted message in the EPJ " + (after == null ? "(none arrived)" : after.toSeconds()
                        + " s after the last restart (the goal: within 60 s)"),
                "end to end:  " + Machine.percentiles(arrivals.endToEnd())));
    }

    /** The EPJ stand-in down for {@code minutes} after a minute of load; the load goes on for two minutes more. */
    private void outage(int rate, int minutes) throws Exception {
        warmUp(rate);
        Instant[] down = new Instant[1];
        Instant[] back = new Instant[1];
        List<Step> steps = List.of(new Step(60, "kill -9 the EPJ stand-in", () -> {
            cli("kill", "epj-standin");
            down[0] = Instant.now();
        }), new Step(60 + 60 * minutes, "start the EPJ stand-in", () -> {
            cli("start", "epj-standin");
            back[0] = Instant.now();
        }));
        int seconds = 60 + 60 * minutes + 120;
        Offered run = offer(rate, seconds, steps);
        Arrivals arrivals = arrivals(run, 600);
        List<EventEnvelope> outcomes = outcomes(run);
        long failed = outcomes.stream().filter(e -> e.payload() instanceof DeliveryAttemptFailed f
                && !f.failedAt().isBefore(down[0]) && f.failedAt().isBefore(back[0])).count();
        long waiting = run.accepted().values().stream().filter(s -> s.sentAt().isBefore(back[0])
                && !arrivals.stored().containsKey(s.key())).count();
        Duration drained = arrivals.last() == null ? null : Duration.between(back[0], arrivals.last());
        Machine.report("outage-" + minutes + "min-" + rate + "rps", List.of(hub(),
                String.format("offered %d bundles at %d/s for %d s; the EPJ stand-in down from second 60 for %d min "
                        + "(%.0f s measured); answers by status: %s", rate * seconds, rate, seconds, minutes,
                        Duration.between(down[0], back[0]).toMillis() / 1000.0, run.statuses()),
                arrivals.summary(),
                String.format("per-patient order: %d pairs of one patient's messages (the second sent after the "
                        + "first was accepted) checked, %d stored out of order", arrivals.orderedPairs(),
                        arrivals.outOfOrder()),
                String.format("retry traffic while down: %d failed attempts to the EPJ in %d s (the circuit's probes;"
                        + " without it every waiting message retries on its own backoff)", failed,
                        Duration.between(down[0], back[0]).toSeconds()),
                "the backlog after the return: " + (drained == null ? "nothing arrived"
                        : "messages sent before it (" + countBefore(run, back[0]) + ") and during it; all in the EPJ "
                        + drained.toSeconds() + " s after the return"),
                "not yet in the EPJ when the stand-in came back and still not there at the end: " + waiting,
                "end to end:  " + Machine.percentiles(arrivals.endToEnd())));
    }

    private static long countBefore(Offered run, Instant at) {
        return run.accepted().values().stream().filter(s -> s.sentAt().isBefore(at)).count();
    }

    private Offered offer(int rate, int seconds, List<Step> steps) throws Exception {
        return offer(rate, seconds, steps, 0);
    }

    /**
     * Offers {@code rate * seconds} bundles on schedule, whether or not earlier ones have been answered; with rate 0,
     * flat out for {@code seconds}, {@code concurrency} at a time.
     */
    private Offered offer(int rate, int seconds, List<Step> steps, int concurrency) throws Exception {
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(Math.max(concurrency, 1));
        List<String> senders = new ArrayList<>(senderTokens.keySet());
        Map<String, Sent> accepted = new ConcurrentHashMap<>();
        List<Long> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        Thread disruptions = disruptions(steps);
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        long total = rate == 0 ? Long.MAX_VALUE : (long) rate * seconds;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            if (rate == 0) {
                if (System.nanoTime() - start >= seconds * 1_000_000_000L) {
                    break;
                }
                slots.acquire();
            }
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
            String patient = patients.get((int) ((i * 104_729L) % patients.size()));
            String marker = UUID.randomUUID().toString();
            String body = bodies.get(pick).replaceAll("urn:uuid:[0-9a-f-]{36}", "urn:uuid:" + marker);
            for (String fixturePatient : FIXTURE_PATIENTS) {
                body = body.replace(fixturePatient, patient);
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + "/epj/r4/" + orgnr + "/bundle"))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + senderTokens.get(sender))
                    .header("Content-Type", "application/fhir+json").header("Prefer", "respond-async")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            Sent sent = new Sent(marker, types.get(pick), orgnr + "|" + patient, orgnr.equals(pulling),
                    System.nanoTime(), Instant.now(), new long[1], new String[1]);
            HttpClient client = vendorClients.computeIfAbsent(sender, v -> HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                int status = e == null ? r.statusCode() : -1;
                // flat out, a refused send waits its Retry-After, as a vendor should, before its slot sends again
                long retryAfter = status == 503 || status == 429
                        ? r.headers().firstValueAsLong("Retry-After").orElse(1) : 0;
                CompletableFuture.delayedExecutor(retryAfter, java.util.concurrent.TimeUnit.SECONDS)
                        .execute(slots::release);
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 202) {
                    sent.answeredNanos()[0] = System.nanoTime();
                    sent.messageId()[0] = r.headers().firstValue("X-Message-Id").orElse(null);
                    answers.add(sent.answeredNanos()[0] - sent.sentNanos());
                    accepted.put(marker, sent);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        disruptions.join();
        return new Offered(accepted, answers, statuses, (System.nanoTime() - start) / 1e9);
    }

    /** Runs the steps at their seconds from now, beside the load. */
    private static Thread disruptions(List<Step> steps) {
        long start = System.nanoTime();
        Thread t = new Thread(() -> {
            for (Step step : steps) {
                try {
                    long wait = start + step.atSecond() * 1_000_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    System.out.println("at " + step.atSecond() + " s: " + step.what());
                    step.action().run();
                } catch (Exception e) {
                    throw new IllegalStateException(step.what() + ": " + e, e);
                }
            }
        }, "disruptions");
        t.start();
        return t;
    }

    /** Runs {@code ./knutepunkt ARGS} on the same home, and insists that it succeeds. */
    private static void cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(env("KNUTEPUNKT_CLI")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + ": " + out);
        }
    }

    /** The delivery outcomes on the log of the accepted messages. */
    private static List<EventEnvelope> outcomes(Offered run) {
        java.util.Set<String> ids = run.accepted().values().stream().map(s -> s.messageId()[0])
                .collect(Collectors.toSet());
        return new TopicProbe(env("KNUTEPUNKT_KAFKA")).readAll(List.of(Topics.DELIVERY_OUTCOMES),
                Duration.ofSeconds(5)).stream().map(r -> EventCodec.decode(r.value()))
                .filter(e -> ids.contains(e.correlationid())).toList();
    }

    /**
     * What arrived of one run: when each message was stored in the push EPJ or acknowledged by the pulling one, and
     * each patient's order.
     */
    record Arrivals(Map<String, Instant> stored, long[] endToEnd, long[] toJournaled, int accepted, int missing,
            Instant last, double rate, long orderedPairs, long outOfOrder, int patienceSeconds) {

        String summary() {
            return String.format("in the EPJs: %d of %d accepted (%d stored by push, %d pulled and journaled); not "
                    + "there %d s after the last send: %d; %.1f bundles/s from first send to last arrival",
                    endToEnd.length + toJournaled.length, accepted, endToEnd.length, toJournaled.length,
                    patienceSeconds, missing, rate);
        }
    }

    private Arrivals arrivals(Offered run, int patience) throws Exception {
        Map<String, Sent> accepted = run.accepted();
        Map<String, Instant> stored = waitFor(accepted, patience);
        List<Long> endToEnd = new ArrayList<>();
        List<Long> toJournaled = new ArrayList<>();
        Instant last = null;
        int missing = 0;
        for (Sent s : accepted.values()) {
            Instant at = stored.get(s.key());
            if (at == null) {
                missing++;
                continue;
            }
            (s.pull() ? toJournaled : endToEnd).add(Math.max(0, Duration.between(s.sentAt(), at).toNanos()));
            last = last == null || at.isAfter(last) ? at : last;
        }
        // one patient's order: where the second was sent after the first was accepted, it must be stored after it
        long pairs = 0;
        long outOfOrder = 0;
        Map<String, List<Sent>> byPatient = accepted.values().stream()
                .collect(Collectors.groupingBy(Sent::patient));
        for (List<Sent> sent : byPatient.values()) {
            sent.sort(Comparator.comparingLong(Sent::sentNanos));
            for (int i = 1; i < sent.size(); i++) {
                Sent a = sent.get(i - 1);
                Sent b = sent.get(i);
                Instant at = stored.get(a.key());
                Instant bt = stored.get(b.key());
                if (a.answeredNanos()[0] < b.sentNanos() && at != null && bt != null) {
                    pairs++;
                    outOfOrder += bt.isBefore(at) ? 1 : 0;
                }
            }
        }
        Instant first = accepted.values().stream().map(Sent::sentAt).min(Instant::compareTo).orElse(Instant.now());
        double deliveredFor = last == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
        return new Arrivals(stored, sorted(endToEnd), sorted(toJournaled), accepted.size(), missing, last,
                deliveredFor == 0 ? 0 : (endToEnd.size() + toJournaled.size()) / deliveredFor, pairs, outOfOrder,
                patience);
    }

    private static long[] sorted(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** What the stand-in holds once every accepted message is there, or the wait is over. */
    private Map<String, Instant> waitFor(Map<String, Sent> accepted, int seconds) throws Exception {
        List<String> keys = accepted.values().stream().map(Sent::key).toList();
        Instant first = accepted.values().stream().map(Sent::sentAt).min(Comparator.naturalOrder())
                .orElse(Instant.now());
        Map<String, Instant> stored = new HashMap<>();
        Instant deadline = Instant.now().plusSeconds(seconds);
        Instant since = first;
        while (true) {
            Instant asked = Instant.now();
            stored.putAll(storedSince(since));
            journaled.forEach((id, at) -> stored.put(JOURNALED + id, at));
            // what was stored while we asked is asked for again next time (ge, and the map drops repeats)
            since = asked.minusSeconds(1);
            if (stored.keySet().containsAll(keys) || !Instant.now().isBefore(deadline)) {
                return stored;
            }
            Thread.sleep(1000);
        }
    }

    /** What the stand-in stored since {@code since} of the two marked types, by type and identifier, and when. */
    private Map<String, Instant> storedSince(Instant since) throws Exception {
        Map<String, Instant> at = new HashMap<>();
        for (String type : List.of("MedicationDispense", "Encounter")) {
            JsonNode all = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(epj + "/" + type
                    + "?_lastUpdated=ge" + since)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
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
    private Map<String, String> setUp(List<String> orgnrs, int vendors) throws Exception {
        String operator = tokens.operator();
        Map<String, String> senders = new ConcurrentHashMap<>();
        for (String orgnr : orgnrs) {
            String route = orgnr.equals(pulling)
                    ? JSON.createObjectNode().put("epjProduct", "gerica").put("mode", "pull").toString()
                    : JSON.createObjectNode().put("epjProduct", "generic-fhir").put("mode", "push")
                            .put("endpoint", env("KNUTEPUNKT_EPJ_URL")).toString();
            expect2xx(call("PUT", env("KNUTEPUNKT_ROUTING_URL") + "/routing/v1/routes/" + orgnr, operator, route));
            String admin = tokens.municipalityAdmin(orgnr);
            String grants = env("KNUTEPUNKT_CONSENT_URL") + "/consent/v1/municipalities/" + orgnr + "/grants";
            String existing = call("GET", grants, admin, null).body();
            for (int v = 0; v < vendors; v++) {
                String vkpId = "Lastleverandor_System" + v + "_" + orgnr;
                if (!existing.contains("\"" + vkpId + "\"")) {
                    String grant = JSON.createObjectNode().put("vkpId", vkpId).put("vendor", "Lastleverandor")
                            .put("system", "System" + v).put("legalBasis", "ytelsesmåling")
                            .set("scopes", JSON.createArrayNode().add(WRITE))
                            .toString();
                    expect2xx(call("POST", grants, admin, grant));
                }
                senders.put(vkpId, tokens.vendor(vkpId, List.of(WRITE)));
            }
            // the route is in force once routing has projected it
            Instant deadline = Instant.now().plusSeconds(30);
            while (call("GET", env("KNUTEPUNKT_ROUTING_URL") + "/routing/v1/routes/" + orgnr, operator, null)
                    .statusCode() != 200) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the route of " + orgnr + " did not come into force");
                }
                Thread.sleep(100);
            }
        }
        return senders;
    }

    /**
     * The pulling EPJ: asks for what is pending, acknowledges each message as journaled, and notes when the hub
     * answered the acknowledgement (answered once applied). Goes on through a hub's restarts, as an EPJ would.
     */
    private void pull() {
        String inbox = env("KNUTEPUNKT_DELIVERY_URL") + "/v1/epj/messages";
        String token = tokens.epj(pulling);
        long tokenMade = System.nanoTime();
        while (true) {
            try {
                if (System.nanoTime() - tokenMade > 120_000_000_000L) {
                    token = tokens.epj(pulling);
                    tokenMade = System.nanoTime();
                }
                HttpResponse<String> page = call("GET", inbox + "?pending=true&_count=200", token, null);
                JsonNode entries = page.statusCode() == 200 ? JSON.readTree(page.body()).path("entry")
                        : JSON.createArrayNode();
                for (JsonNode entry : entries) {
                    String id = entry.path("fullUrl").asText().replaceFirst("^urn:uuid:", "");
                    if (call("POST", inbox + "/" + id + "/$journaling-acknowledged", token, null).statusCode() == 200) {
                        journaled.putIfAbsent(id, Instant.now());
                    }
                }
                if (entries.size() < 200) {
                    Thread.sleep(PULL_EVERY.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                sleepQuietly(PULL_EVERY.toMillis()); // the hub is restarting (a drill): ask again
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
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

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
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
            throw new IllegalStateException(name + " is not set (run through ./knutepunkt bench)");
        }
        return value;
    }
}
