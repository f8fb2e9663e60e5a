package no.knutepunkt.consent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A grant as it stands after its latest event: the projection of the consent register. */
@Entity
@Table(name = "grants", indexes = @Index(name = "grants_sender_receiver", columnList = "vkpId, orgnr"))
public class Grant extends PanacheEntityBase {

    @Id
    public String grantId;
    public int version;
    public String orgnr;
    public String vkpId;
    public String vendor;
    public String system;
    /** Space-separated scopes. */
    public String scopes;
    public String serviceCodes;
    public Instant validFrom;
    public Instant validTo;
    public String legalBasis;
    public Instant revokedAt;
    public String revokeReason;
    public String changedBy;
    public Instant changedAt;

    public List<String> scopeList() {
        return scopes == null || scopes.isBlank() ? List.of() : List.of(scopes.split(" "));
    }

    /** active, revoked, expired or pending, at {@code at}. */
    public String stateAt(Instant at) {
        if (revokedAt != null && !at.isBefore(revokedAt)) {
            return "revoked";
        }
        if (validFrom != null && at.isBefore(validFrom)) {
            return "pending";
        }
        if (validTo != null && !at.isBefore(validTo)) {
            return "expired";
        }
        return "active";
    }
}
