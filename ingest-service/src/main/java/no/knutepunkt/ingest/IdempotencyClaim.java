package no.knutepunkt.ingest;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * The first message accepted for an idempotency key: a retry with the same key and body gets the same message id,
 * the same key with another body is refused. Rebuildable from the received events, which carry the key.
 */
@Entity
@Table(name = "idempotency_claim")
public class IdempotencyClaim extends PanacheEntityBase {

    /** SHA-256 of sender, municipality and the vendor's key or Bundle.identifier. */
    @Id
    public String keyHash;
    public String messageId;
    public String bodySha256;
    public Instant claimedAt;
}
