package no.knutepunkt.ingest;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Where a message is: a projection of its events, one timestamp per step. The state is derived from the timestamps,
 * so the order in which the projection sees events from different topics does not matter.
 */
@Entity
@Table(name = "message_status")
public class MessageStatus extends PanacheEntityBase {

    @Id
    public String messageId;
    public String orgnr;
    public String senderVkpId;
    public String kind;
    public Instant receivedAt;
    public Instant authorizedAt;
    public Instant deniedAt;
    public Instant routedAt;
    public Instant unroutableAt;
    public Instant deliveredAt;
    public Instant failedAt;
    public Instant journaledAt;
    public String reasonCode;
    public String reason;
    /** The rule that stopped the message, when one did. */
    public String rule;
    public Integer attempts;
    /** When delivery will try again, after a failed attempt; the error of that attempt. */
    public Instant nextAttemptAt;
    @Column(length = 2000)
    public String lastError;
    /** Deep validation, off the request path: when, how many errors and warnings, and the findings as JSON. */
    public Instant validatedAt;
    public Integer validationErrors;
    public Integer validationWarnings;
    @Column(columnDefinition = "text")
    public String validationFindings;

    /** The furthest step reached; a later success (a resend) outranks an earlier failure. */
    public String state() {
        if (journaledAt != null) {
            return "journaled";
        }
        if (deliveredAt != null) {
            return "delivered";
        }
        if (failedAt != null) {
            return "failed";
        }
        if (unroutableAt != null) {
            return "unroutable";
        }
        if (routedAt != null) {
            return "routed";
        }
        if (deniedAt != null) {
            return "denied";
        }
        if (authorizedAt != null) {
            return "authorized";
        }
        return "registered";
    }
}
