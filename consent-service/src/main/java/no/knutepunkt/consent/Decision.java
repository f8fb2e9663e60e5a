package no.knutepunkt.consent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.Instant;

/** One decision on one received message, projected from the decisions topic so that it can be explained later. */
@Entity
@Table(name = "decisions", indexes = @Index(name = "decisions_municipality", columnList = "orgnr, decidedAt"))
public class Decision extends PanacheEntityBase {

    @Id
    public String messageId;
    public String orgnr;
    public String vkpId;
    public boolean allowed;
    public String vkpCode;
    public String rule;
    @Column(length = 2000)
    public String reason;
    public String grantId;
    public Integer grantVersion;
    public String restrictionId;
    public Instant decidedAt;
}
