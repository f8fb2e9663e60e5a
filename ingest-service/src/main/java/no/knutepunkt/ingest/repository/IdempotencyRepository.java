package no.knutepunkt.ingest.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.IdempotencyClaim;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

@ApplicationScoped
public class IdempotencyRepository implements PanacheRepositoryBase<IdempotencyClaim, String> {

    /**
     * Claims the key for a new message. Returns the claim that holds: this one when the key was free, or the
     * first one. The database's primary key makes concurrent duplicates meet here, and only one wins.
     */
    public Uni<IdempotencyClaim> claim(String keyHash, String messageId, String bodySha256) {
        return Panache.withTransaction(() -> restore(keyHash, messageId, bodySha256, Instant.now()))
                .chain(() -> Panache.withSession(() -> findById(keyHash)));
    }

    /** Inserts a claim unless the key is taken; a rebuild restores the claims the log names this way. */
    public Uni<Void> restore(String keyHash, String messageId, String bodySha256, Instant claimedAt) {
        return getSession().flatMap(session -> session.createNativeQuery(
                "insert into idempotency_claim (key_hash, message_id, body_sha256, claimed_at) values (?1, ?2, ?3, ?4)"
                        + " on conflict (key_hash) do nothing")
                .setParameter(1, keyHash)
                .setParameter(2, messageId)
                .setParameter(3, bodySha256)
                .setParameter(4, OffsetDateTime.ofInstant(claimedAt, ZoneOffset.UTC))
                .executeUpdate()).replaceWithVoid();
    }

    /** Frees a key whose message could not be written to Kafka, so that the vendor's retry can succeed. */
    public Uni<Void> release(String keyHash, String messageId) {
        return Panache.withTransaction(() -> delete("keyHash = ?1 and messageId = ?2", keyHash, messageId))
                .replaceWithVoid();
    }
}
