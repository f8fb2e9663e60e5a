package no.knutepunkt.consent;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A grant as it stood after one of its events: the register's history, one row per version. The grant's current
 * state is its highest version; its state at any past time is the highest version changed by then.
 */
@Entity
@IdClass(GrantVersion.Key.class)
@Table(name = "grant_versions", indexes = {
        @Index(name = "grant_versions_sender", columnList = "orgnr, vkpId, changedAt"),
        @Index(name = "grant_versions_vkp_id", columnList = "vkpId")})
public class GrantVersion extends PanacheEntityBase {

    /** The identity of a version: grant id and version number. */
    public static class Key implements Serializable {
        public String grantId;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Objects.equals(grantId, k.grantId) && version == k.version;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(grantId, version);
        }
    }

    @Id
    public String grantId;
    @Id
    public int version;
    /** granted, amended or revoked. */
    public String change;
    public String orgnr;
    public String vkpId;
    public String vendor;
    public String system;
    /** Space-separated scopes. */
    @Column(length = 2000)
    public String scopes;
    /** Space-separated ServiceCodes. */
    @Column(length = 2000)
    public String serviceCodes;
    public Instant validFrom;
    public Instant validTo;
    @Column(length = 2000)
    public String legalBasis;
    public Instant revokedAt;
    @Column(length = 2000)
    public String revokeReason;
    public String changedBy;
    public Instant changedAt;

    public List<String> scopeList() {
        return words(scopes);
    }

    public List<String> serviceCodeList() {
        return words(serviceCodes);
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

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.split(" "));
    }
}
