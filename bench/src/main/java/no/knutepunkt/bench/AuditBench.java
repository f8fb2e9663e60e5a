package no.knutepunkt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

/**
 * The audit trail at scale, against audit-service on a broker and database of its own: writes MESSAGES lives of four
 * events each (received with fixture 01 as payload, authorized, routed, delivered) to the real topics, and reports how
 * fast the index took them in, trail lookup latency (p50/p99 over random messages), how fast the whole log is
 * verified, and how fast the index is rebuilt from the log. Usage: AuditBench AUDIT_URL KAFKA MESSAGES
 */
public final class AuditBench {

    private AuditBench() {
    }

    public static void main(String[] args) throws Exception {
        String audit = args[0];
        String kafka = args[1];
        int messages = Integer.parseInt(args[2]);
        String payload = Files.readString(Path.of(System.getProperty("bench.examples", "examples"),
                "01-medication-dispense-success.json"));
        // a token lives five minutes and the run takes longer: each request gets a fresh one, made outside any timing
        DevTokens tokens = DevTokens.fromEnvironment();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < messages; i++) {
                String id = UUID.randomUUID().toString();
                if (i % Math.max(1, messages / 2000) == 0) {
                    ids.add(id);
                }
                for (var event : life(id, String.format("%032x", i % 50_000), payload)) {
                    producer.send(new ProducerRecord<>(event.topic(), event.envelope().subject(),
                            EventCodec.encode(event.envelope())));
                }
            }
            producer.flush();
        }
        long events = messages * 4L;
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("published %d events in %.1f s%n", events, publishSeconds);

        // the index has them all when the trails of the sampled messages (spread over every partition) are complete;
        // verification below then counts every event
        for (int i = ids.size() - 1; i >= 0; i--) {
            while (steps(http, audit, tokens.operator(), ids.get(i)) < 4) {
                Thread.sleep(1000);
            }
        }
        double indexSeconds = (System.nanoTime() - start) / 1e9;

        long[] latencies = new long[1000];
        Random random = new Random(1);
        for (int i = 0; i < latencies.length; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            String operator = tokens.operator();
            long t = System.nanoTime();
            if (steps(http, audit, operator, id) != 4) {
                throw new IllegalStateException("trail of " + id + " is not complete");
            }
            latencies[i] = System.nanoTime() - t;
        }
        Arrays.sort(latencies);

        JsonNode verified = post(http, audit + "/audit/v1/verify", tokens.operator());
        JsonNode rebuilt = post(http, audit + "/audit/v1/index/rebuild", tokens.operator());
        JsonNode again = post(http, audit + "/audit/v1/verify", tokens.operator());

        Machine.report("audit-" + events, List.of(
                String.format("log: %d events (%d messages x 4), published in %.1f s", events, messages,
                        publishSeconds),
                String.format("index (live consumer): all %d events in %.1f s = %.0f events/s", events, indexSeconds,
                        events / indexSeconds),
                String.format("trail lookup over HTTP, %d random messages: p50 %.1f ms, p99 %.1f ms", latencies.length,
                        Machine.percentile(latencies, 50) / 1e6, Machine.percentile(latencies, 99) / 1e6),
                String.format("audit verify: intact=%s, %d events checked in %.1f s = %.0f events/s",
                        verified.path("intact").asBoolean(), verified.path("checked").asLong(),
                        verified.path("millis").asLong() / 1000.0,
                        verified.path("checked").asLong() * 1000.0 / Math.max(1, verified.path("millis").asLong())),
                String.format("replay (index rebuilt from the log): %d events in %.1f s = %.0f events/s",
                        rebuilt.path("events").asLong(), rebuilt.path("millis").asLong() / 1000.0,
                        rebuilt.path("events").asLong() * 1000.0 / Math.max(1, rebuilt.path("millis").asLong())),
                String.format("audit verify after the rebuild: intact=%s, %d events", again.path("intact").asBoolean(),
                        again.path("checked").asLong())));
    }

    record Event(String topic, EventEnvelope envelope) {
    }

    static List<Event> life(String id, String patient, String payload) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Sender sender = new Sender("Benchleverandor_Dispenser_312229544", "bench-client");
        MessageReceived received = new MessageReceived(id, "312229544", sender, "vkp-r4/bundle",
                MessageKind.MEDICATION_DISPENSE, List.of("MedicationDispense"), patient, "0".repeat(64), payload,
                t, null);
        EventEnvelope r = EventEnvelope.create("knutepunkt/ingest-service", patient, id, null, received);
        EventEnvelope a = EventEnvelope.causedBy(r, "knutepunkt/consent-service", new MessageAuthorized(id,
                "312229544", sender, MessageKind.MEDICATION_DISPENSE, "grant-active", "bench-grant", 1, payload, t));
        EventEnvelope ro = EventEnvelope.causedBy(a, "knutepunkt/routing-service", new MessageRouted(id, "312229544",
                MessageKind.MEDICATION_DISPENSE, new Destination("generic-fhir", "push", "https://epj.bench/fhir",
                null), "municipality-route", 1, payload, t, null, null));
        EventData delivered = new MessageDelivered(id, "312229544", "https://epj.bench/fhir", 1, 200, t);
        EventEnvelope d = EventEnvelope.causedBy(ro, "knutepunkt/delivery-service", delivered);
        return List.of(new Event(Topics.MESSAGES_RECEIVED, r), new Event(Topics.CONSENT_DECISIONS, a),
                new Event(Topics.ROUTING_DECISIONS, ro), new Event(Topics.DELIVERY_OUTCOMES, d));
    }

    static int steps(HttpClient http, String audit, String token, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(audit + "/audit/v1/messages/" + id
                + "/trail")).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? EventCodec.mapper().readTree(r.body()).path("steps").size() : 0;
    }

    static JsonNode post(HttpClient http, String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofHours(2))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return EventCodec.mapper().readTree(r.body());
    }
}
