package no.knutepunkt.audit;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of the log as the audit index read it: where it is (topic, partition, offset), what it says (its envelope
 * with any payload left out), its hash, and the chain hash that commits to every earlier event of its partition.
 */
@Entity
@IdClass(LogEntry.Position.class)
@Table(name = "log_entries", indexes = {
        @Index(name = "log_entries_message", columnList = "correlationId, logOffset"),
        @Index(name = "log_entries_municipality", columnList = "orgnr, subject, time")})
public class LogEntry extends PanacheEntityBase {

    /** Where an event is in the log. */
    public static class Position implements Serializable {
        public String topic;
        public int logPartition;
        public long logOffset;

        @Override
        public boolean equals(Object o) {
            return o instanceof Position p && Objects.equals(topic, p.topic) && logPartition == p.logPartition
                    && logOffset == p.logOffset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, logPartition, logOffset);
        }
    }

    @Id
    public String topic;
    @Id
    public int logPartition;
    @Id
    public long logOffset;
    public String eventId;
    public String type;
    public String source;
    public Instant time;
    /** The event's subject: for a message's events the pseudonymous patient key, for register events the orgnr. */
    public String subject;
    /** The message the event belongs to (null for register events). */
    public String correlationId;
    public String orgnr;
    /** The patients a read disclosed (pseudonymous keys, space-separated), beside its subject; else null. */
    @Column(columnDefinition = "text")
    public String patients;
    /** The envelope without any payload: what the trail shows. */
    @Column(columnDefinition = "text")
    public String event;
    /** SHA-256 of the event exactly as on the log, hex. */
    public String eventHash;
    /** SHA-256 of the previous chain hash of the partition and this event hash, hex. */
    public String chainHash;
}
