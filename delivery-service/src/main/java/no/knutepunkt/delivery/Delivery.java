package no.knutepunkt.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One routed message on its way to its EPJ: the delivery queue and the pull inbox, projected from the routed event
 * and the delivery events that followed it.
 */
@Entity
@Table(name = "deliveries", indexes = {
        @Index(name = "deliveries_due", columnList = "state, nextAttemptAt"),
        @Index(name = "deliveries_patient", columnList = "patientKey, endpoint, routedOffset"),
        @Index(name = "deliveries_inbox", columnList = "orgnr, updatedAt, messageId")})
public class Delivery extends PanacheEntityBase {

    /** Waiting to be pushed (now or at {@link #nextAttemptAt}). */
    public static final String WAITING = "waiting";
    public static final String DELIVERED = "delivered";
    /** Given up on: kept until resent or deleted. */
    public static final String DEAD = "dead";
    public static final String DELETED = "deleted";
    /** For an EPJ that fetches: waits in its inbox. */
    public static final String AWAITING_PULL = "awaiting-pull";

    @Id
    public String messageId;
    public String orgnr;
    /** The pseudonymous patient key (the events' subject): a patient's messages go out in the order received. */
    public String patientKey;
    public String kind;
    /** The sender's VKP id (null for messages routed by early releases). */
    public String sender;
    /** Lower goes first when messages wait. */
    public int priority;
    /** The journal type the municipality wants for this kind, tagged onto the delivered resources; or null. */
    public String journalType;
    public String epjProduct;
    public String mode;
    public String endpoint;
    /** The name of the EPJ's client credentials (never the secret), or null when the EPJ needs no token. */
    public String credentialsRef;
    @Column(columnDefinition = "text")
    public String payload;
    /** The routed event's id, the cause of every delivery event. */
    public String routedEventId;
    /** The routed event's offset: one patient's events share a partition, so this orders them. */
    public long routedOffset;
    public Instant routedAt;
    public String state;
    public int attempts;
    /**
     * Failed attempts that count toward the bound: those made while the circuit was closed, and probes the EPJ answered
     * with an error (it is up, and fails this message).
     */
    public int strikes;
    /** Answered failures in a row with the same error (a poison message); unanswered ones leave it as it is. */
    public int sameFailures;
    public Instant firstAttemptAt;
    public Instant nextAttemptAt;
    @Column(length = 2000)
    public String lastError;
    public Instant deliveredAt;
    public Instant deadAt;
    public Instant journaledAt;
    public String acknowledgedBy;
    /** The last re-drive that put it back in the queue, or null. */
    public String redriveId;
    /** The W3C trace context it was routed in: its delivery stays in the message's trace (null: tracing off). */
    public String traceparent;
    /** When anything about it last changed: the pull inbox pages by this. */
    public Instant updatedAt;
}
