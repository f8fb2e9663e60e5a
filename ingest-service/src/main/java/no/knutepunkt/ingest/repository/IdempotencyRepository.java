package no.knutepunkt.ingest.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.IdempotencyClaim;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

@ApplicationScoped
public class IdempotencyRepository implements PanacheRepositoryBase<IdempotencyClaim, String> {

    /**
     * Claims the key for a new message: free, released, or pending for longer than {@code lease} (its writer died).
     * Returns the claim that holds: this one when it was taken, otherwise the one that holds it. The database's
     * primary key makes concurrent duplicates meet here, and only one wins.
     */
    public Uni<IdempotencyClaim> claim(String keyHash, String messageId, String bodySha256, Duration lease) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> getSession().flatMap(session -> session.createNativeQuery(
                "insert into idempotency_claim (key_hash, message_id, body_sha256, claimed_at, state)"
                        + " values (?1, ?2, ?3, ?4, 'pending') on conflict (key_hash) do update set"
                        + " message_id = excluded.message_id, body_sha256 = excluded.body_sha256,"
                        + " claimed_at = excluded.claimed_at, state = 'pending', refusal_status = null, refusal = null"
                        + " where idempotency_claim.state = 'released'"
                        + " or idempotency_claim.state = 'pending' and idempotency_claim.claimed_at < ?5")
                .setParameter(1, keyHash)
                .setParameter(2, messageId)
                .setParameter(3, bodySha256)
                .setParameter(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter(5, OffsetDateTime.ofInstant(now.minus(lease), ZoneOffset.UTC))
                .executeUpdate()))
                .chain(() -> find(keyHash));
    }

    /** The claim as it is now, read afresh. */
    public Uni<IdempotencyClaim> find(String keyHash) {
        return Panache.withSession(() -> findById(keyHash));
    }

    /** The message is on the log: its claim answers retries from now on. */
    public Uni<Void> stored(String keyHash, String messageId) {
        return Panache.withTransaction(() -> update("state = ?1 where keyHash = ?2 and messageId = ?3",
                IdempotencyClaim.STORED, keyHash, messageId)).replaceWithVoid();
    }

    /**
     * The message could not be written: the vendor heard {@code status}; duplicates waiting on it hear the same, and
     * the next retry may claim the key afresh.
     */
    public Uni<Void> release(String keyHash, String messageId, int status, String outcomeJson) {
        return Panache.withTransaction(() -> update("state = ?1, refusalStatus = ?2, refusal = ?3"
                + " where keyHash = ?4 and messageId = ?5 and state = ?6", IdempotencyClaim.RELEASED, status,
                outcomeJson, keyHash, messageId, IdempotencyClaim.PENDING)).replaceWithVoid();
    }

    /**
     * Consent denied the key's message: the key is free again, with no answer to repeat, so that the same message
     * sent once the grant is given is decided afresh.
     */
    public Uni<Void> releaseDenied(String keyHash, String messageId) {
        return Panache.withTransaction(() -> update("state = ?1, refusalStatus = null, refusal = null"
                + " where keyHash = ?2 and messageId = ?3 and state = ?4", IdempotencyClaim.RELEASED, keyHash,
                messageId, IdempotencyClaim.STORED)).replaceWithVoid();
    }

    /**
     * A received event on the log holds its key as stored: a rebuild restores the claims this way, and a claim whose
     * writer died after the broker had its event (or was told of a timeout when the broker had it after all) ends
     * stored instead of pending or released.
     */
    public Uni<Void> restore(String keyHash, String messageId, String bodySha256, Instant claimedAt) {
        return getSession().flatMap(session -> session.createNativeQuery(
                "insert into idempotency_claim (key_hash, message_id, body_sha256, claimed_at, state)"
                        + " values (?1, ?2, ?3, ?4, 'stored') on conflict (key_hash) do update set state = 'stored',"
                        + " refusal_status = null, refusal = null"
                        + " where idempotency_claim.message_id = excluded.message_id"
                        + " and idempotency_claim.state <> 'stored'")
                .setParameter(1, keyHash)
                .setParameter(2, messageId)
                .setParameter(3, bodySha256)
                .setParameter(4, OffsetDateTime.ofInstant(claimedAt, ZoneOffset.UTC))
                .executeUpdate()).replaceWithVoid();
    }
}
