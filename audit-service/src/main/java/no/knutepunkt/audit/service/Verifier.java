package no.knutepunkt.audit.service;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.kafka.Replays;
import no.knutepunkt.model.kafka.TopicReplay;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the log against the hash chain recorded when each event was first read: every event is recomputed from the
 * log, in each partition's order, and must match the index in its hash, its chain hash and its content. The first
 * difference is reported by its place in the log. Blocking: run it off the event loop.
 */
@ApplicationScoped
public class Verifier {

    private static final String ROWS = "SELECT log_offset, event, event_hash, chain_hash FROM log_entries "
            + "WHERE topic = $1 AND log_partition = $2 AND log_offset BETWEEN $3 AND $4 ORDER BY log_offset";

    private final Pool db;
    private final Replays replays;

    public Verifier(Pool db, Replays replays) {
        this.db = db;
        this.replays = replays;
    }

    /** Where the chain first breaks, and how. */
    public record Break(String topic, int partition, long offset, String problem) {
    }

    public record Verification(boolean intact, long checked, long millis, Break firstBreak) {
    }

    public Verification verify(List<String> topics) {
        Instant start = Instant.now();
        Map<String, String> chain = new HashMap<>();
        long checked = 0;
        try (TopicReplay replay = replays.open(topics)) {
            for (List<ConsumerRecord<String, String>> batch = replay.nextRecords(); !batch.isEmpty();
                    batch = replay.nextRecords()) {
                Map<String, List<ConsumerRecord<String, String>>> byPartition = new LinkedHashMap<>();
                batch.forEach(r -> byPartition.computeIfAbsent(r.topic() + "/" + r.partition(), k -> new ArrayList<>())
                        .add(r));
                for (List<ConsumerRecord<String, String>> records : byPartition.values()) {
                    Break found = check(records, chain);
                    if (found != null) {
                        return new Verification(false, checked, millis(start), found);
                    }
                    checked += records.size();
                }
            }
        }
        return new Verification(true, checked, millis(start), null);
    }

    private Break check(List<ConsumerRecord<String, String>> records, Map<String, String> chain) {
        ConsumerRecord<String, String> first = records.get(0);
        ConsumerRecord<String, String> last = records.get(records.size() - 1);
        Map<Long, Row> index = new HashMap<>();
        for (Row row : db.preparedQuery(ROWS).execute(Tuple.of(first.topic(), first.partition(), first.offset(),
                last.offset())).await().atMost(Duration.ofMinutes(1))) {
            index.put(row.getLong(0), row);
        }
        String key = first.topic() + "/" + first.partition();
        for (ConsumerRecord<String, String> r : records) {
            Row row = index.remove(r.offset());
            if (row == null) {
                return new Break(r.topic(), r.partition(), r.offset(), "the event is on the log but not in the index");
            }
            String eventHash = AuditChain.eventHash(r.value());
            String chainHash = AuditChain.next(chain.getOrDefault(key, AuditChain.GENESIS), eventHash);
            chain.put(key, chainHash);
            if (!eventHash.equals(row.getString(2))) {
                return new Break(r.topic(), r.partition(), r.offset(), "the event's hash differs from the one recorded");
            }
            if (!chainHash.equals(row.getString(3))) {
                return new Break(r.topic(), r.partition(), r.offset(), "the chain breaks: an earlier event was altered, "
                        + "removed or reordered, or this chain hash was");
            }
            if (!sameJson(AuditChain.withoutPayload(r.value()).toString(), row.getString(1))) {
                return new Break(r.topic(), r.partition(), r.offset(), "the index's copy of the event differs from the log");
            }
        }
        if (!index.isEmpty()) {
            long offset = index.keySet().stream().min(Long::compare).orElseThrow();
            return new Break(first.topic(), first.partition(), offset, "the index has an event the log no longer has");
        }
        return null;
    }

    private static boolean sameJson(String a, String b) {
        try {
            return EventCodec.mapper().readTree(a).equals(EventCodec.mapper().readTree(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static long millis(Instant start) {
        return Duration.between(start, Instant.now()).toMillis();
    }
}
