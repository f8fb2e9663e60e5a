package no.knutepunkt.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A re-drive as its events tell it: what was asked, by whom and why, and whether it runs, finished or was cancelled. */
@Entity
@Table(name = "redrives")
public class Redrive extends PanacheEntityBase {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String CANCELLED = "cancelled";

    @Id
    public String redriveId;
    /** The filter as JSON ({@link no.knutepunkt.model.event.RedriveFilter}). */
    @Column(columnDefinition = "text")
    public String filter;
    public String orgnr;
    public int perEpjPerSecond;
    public int matched;
    public int journaledSkipped;
    @Column(length = 2000)
    public String reason;
    public String requestedBy;
    public Instant requestedAt;
    public String state;
    public String endedBy;
    public Instant endedAt;
}
