package no.knutepunkt.audit.messaging;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.service.TrailIndex;
import no.knutepunkt.model.kafka.Replays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Empties the trail index and reads the whole log into it again. The table is locked against the live consumer first,
 * and only then is the end of the log read, so nothing falls between the two.
 */
@ApplicationScoped
public class IndexRebuild {

    private static final Logger LOG = Logger.getLogger(IndexRebuild.class);

    private final Pool db;
    private final TrailIndex index;
    private final List<String> topics;
    private final Replays replays;

    public IndexRebuild(Pool db, TrailIndex index, AuditedTopics topics,
            Replays replays) {
        this.db = db;
        this.index = index;
        this.topics = topics.names();
        this.replays = replays;
    }

    public record Rebuilt(long events, long millis) {
    }

    public Uni<Rebuilt> rebuild() {
        Instant start = Instant.now();
        AtomicLong events = new AtomicLong();
        return db.withTransaction(tx -> tx.query("LOCK TABLE log_entries IN EXCLUSIVE MODE").execute()
                .chain(() -> tx.query("TRUNCATE log_entries").execute())
                .invoke(index::forget)
                .chain(() -> Uni.createFrom().item(() -> replays.open(topics))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .chain(replay -> Multi.createBy().repeating()
                        .uni(() -> Uni.createFrom().item(replay::nextRecords)
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .until(List::isEmpty)
                        .onItem().transformToUniAndConcatenate(batch -> Multi.createFrom().iterable(batch)
                                .onItem().transformToUniAndConcatenate((ConsumerRecord<String, String> r) -> index
                                        .apply(tx, r.topic(), r.partition(), r.offset(), r.value())
                                        .invoke(() -> events.incrementAndGet()))
                                .collect().last())
                        .collect().last()
                        .eventually(replay::close)))
                .eventually(index::forget)
                .map(ignored -> new Rebuilt(events.get(), Duration.between(start, Instant.now()).toMillis()))
                .invoke(r -> LOG.infof("trail index rebuilt from %d events in %d ms", r.events(), r.millis()));
    }
}
