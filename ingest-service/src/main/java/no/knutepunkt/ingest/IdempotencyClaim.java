package no.knutepunkt.ingest;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * The message that holds an idempotency key: a retry with the same key and body gets that message's answer, the same
 * key with another body is refused. A claim is {@link #PENDING} while its message is being written to the log,
 * {@link #STORED} once the broker has it, and {@link #RELEASED} when it could not be written, keeping the refusal the
 * vendor heard so that duplicates waiting on it hear the same; the next retry takes a released key afresh. Stored
 * claims are rebuildable from the received events, which carry the key.
 */
@Entity
@Table(name = "idempotency_claim")
public class IdempotencyClaim extends PanacheEntityBase {

    public static final String PENDING = "pending";
    public static final String STORED = "stored";
    public static final String RELEASED = "released";

    /** Keyed hash (HMAC-SHA-256) of sender, municipality and the vendor's key or Bundle.identifier. */
    @Id
    public String keyHash;
    public String messageId;
    public String bodySha256;
    public Instant claimedAt;
    @Column(length = 16)
    public String state;
    /** What a released claim's vendor heard: the HTTP status and the OperationOutcome. */
    public Integer refusalStatus;
    @Column(columnDefinition = "text")
    public String refusal;
}
