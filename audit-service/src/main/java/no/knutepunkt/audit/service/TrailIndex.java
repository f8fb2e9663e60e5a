package no.knutepunkt.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes each event of the log into the trail index with its place in its partition's hash chain. Applying an event
 * that is already there changes nothing, so reading the log again (a replay, a redelivery) gives the same index.
 */
@ApplicationScoped
public class TrailIndex {

    private static final String INSERT = "INSERT INTO log_entries (topic, log_partition, log_offset, event_id, type, "
            + "source, time, subject, correlation_id, orgnr, event, event_hash, chain_hash, patients) VALUES ($1, $2, $3, "
            + "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING";
    private static final String HEAD = "SELECT chain_hash FROM log_entries WHERE topic = $1 AND log_partition = $2 "
            + "AND log_offset < $3 ORDER BY log_offset DESC LIMIT 1";

    private final Pool db;
    /** The last chain hash of each partition, as far as this instance has written it. */
    private final Map<String, Head> heads = new ConcurrentHashMap<>();

    public TrailIndex(Pool db) {
        this.db = db;
    }

    private record Head(long offset, String chainHash) {
    }

    public Uni<Void> apply(String topic, int partition, long offset, String value) {
        return apply(db, topic, partition, offset, value);
    }

    /** On the given connection (a rebuild's transaction), in each partition's order. */
    public Uni<Void> apply(SqlClient client, String topic, int partition, long offset, String value) {
        String key = topic + "/" + partition;
        Head cached = heads.get(key);
        Uni<String> previous = cached != null && cached.offset() < offset ? Uni.createFrom().item(cached.chainHash())
                : client.preparedQuery(HEAD).execute(Tuple.of(topic, partition, offset))
                        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString(0)
                                : AuditChain.GENESIS);
        String eventHash = AuditChain.eventHash(value);
        ObjectNode event = AuditChain.withoutPayload(value);
        return previous.chain(prev -> {
            String chainHash = AuditChain.next(prev, eventHash);
            JsonNode data = event.path("data");
            Object[] row = {topic, partition, offset, event.path("id").asText(null), event.path("type").asText(null),
                    event.path("source").asText(null), time(event.path("time").asText(null)),
                    event.path("subject").asText(null), event.path("correlationid").asText(null),
                    data.path("orgnr").asText(null), event.toString(), eventHash, chainHash, patients(data)};
            return client.preparedQuery(INSERT).execute(Tuple.tuple(Arrays.asList(row)))
                    .invoke(() -> heads.merge(key, new Head(offset, chainHash),
                            (old, now) -> now.offset() > old.offset() ? now : old))
                    .replaceWithVoid();
        });
    }

    /** The patients a read's answer was about, so that each patient's access log finds a list read too. */
    private static String patients(JsonNode data) {
        if (!data.path("patientKeys").isArray() || data.path("patientKeys").isEmpty()) {
            return null;
        }
        List<String> keys = new java.util.ArrayList<>();
        data.path("patientKeys").forEach(k -> keys.add(k.asText()));
        return " " + String.join(" ", keys) + " ";
    }

    /** Forgets the cached chain heads (after the index was emptied). */
    public void forget() {
        heads.clear();
    }

    private static java.time.OffsetDateTime time(String iso) {
        return iso == null ? null : Instant.parse(iso).atOffset(ZoneOffset.UTC);
    }
}
