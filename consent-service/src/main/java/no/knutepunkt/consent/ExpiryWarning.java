package no.knutepunkt.consent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.Instant;

/** That a grant version's coming end has been announced, so that it is announced once. */
@Entity
@IdClass(GrantVersion.Key.class)
@Table(name = "expiry_warnings")
public class ExpiryWarning extends PanacheEntityBase {

    @Id
    public String grantId;
    @Id
    public int version;
    public Instant warnedAt;
}
