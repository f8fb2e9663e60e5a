package no.knutepunkt.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A pause of delivery to one municipality's EPJ: from now, or a planned maintenance window. */
@Entity
@Table(name = "delivery_pauses")
public class DeliveryPause extends PanacheEntityBase {

    @Id
    public String pauseId;
    public String orgnr;
    public Instant fromAt;
    /** Null: until resumed. */
    public Instant untilAt;
    @Column(length = 2000)
    public String reason;
    public String pausedBy;
    public Instant pausedAt;

    public boolean inForceAt(Instant at) {
        return !at.isBefore(fromAt) && (untilAt == null || at.isBefore(untilAt));
    }
}
