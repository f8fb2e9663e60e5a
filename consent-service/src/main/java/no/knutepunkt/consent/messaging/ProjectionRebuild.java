package no.knutepunkt.consent.messaging;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.consent.service.ConsentProjection;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.kafka.Replays;
import no.knutepunkt.model.kafka.Topics;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throws the read model away and replays the register and decision topics into it, from their first event.
 *
 * <p>It runs in one transaction that first locks the tables against writers, and only then reads where the topics
 * end. Every event the live consumers applied before the lock is therefore below that end and replayed; every later
 * one waits for the lock and is applied after. Readers see the old rows until the new ones are committed.
 */
@ApplicationScoped
public class ProjectionRebuild {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuild.class);
    private static final List<String> TOPICS = List.of(Topics.CONSENT_GRANTS, Topics.CONSENT_DECISIONS);

    private final Pool db;
    private final ConsentProjection projection;
    private final Replays replays;

    public ProjectionRebuild(Pool db, ConsentProjection projection,
            Replays replays) {
        this.db = db;
        this.projection = projection;
        this.replays = replays;
    }

    public record Rebuilt(long events, long millis) {
    }

    /**
     * An empty read model next to a register that has events (a new database, or one dropped on purpose) is rebuilt
     * before the service starts: the live consumers resume from their committed offsets and would never see the
     * earlier events, and decisions must not be taken on an empty register.
     */
    void onStart(@Observes StartupEvent start) {
        db.query("SELECT EXISTS (SELECT 1 FROM grant_versions) OR EXISTS (SELECT 1 FROM decisions)").execute()
                .map(rows -> rows.iterator().next().getBoolean(0))
                .chain(filled -> filled ? Uni.createFrom().nullItem() : rebuild())
                .await().indefinitely();
    }

    public Uni<Rebuilt> rebuild() {
        Instant start = Instant.now();
        AtomicLong events = new AtomicLong();
        return db.withTransaction(tx -> tx.query("LOCK TABLE " + ConsentProjection.TABLES + " IN EXCLUSIVE MODE")
                .execute()
                .chain(() -> tx.query("TRUNCATE " + ConsentProjection.TABLES).execute())
                .chain(() -> Uni.createFrom().item(() -> replays.open(TOPICS))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .chain(reader -> Multi.createBy().repeating()
                        .uni(() -> Uni.createFrom().item(reader::next)
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .until(List::isEmpty)
                        .onItem().transformToUniAndConcatenate(batch -> applyAll(tx, batch, events))
                        .collect().last()
                        .eventually(reader::close)))
                .map(ignored -> new Rebuilt(events.get(), Duration.between(start, Instant.now()).toMillis()))
                .invoke(r -> LOG.infof("consent projection rebuilt from %d events in %d ms", r.events(), r.millis()));
    }

    private Uni<Void> applyAll(SqlConnection tx, List<String> batch, AtomicLong events) {
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(value -> projection.apply(tx, EventCodec.decode(value).payload())
                        .invoke(() -> events.incrementAndGet()))
                .collect().last().replaceWithVoid();
    }
}
