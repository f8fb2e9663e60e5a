package no.knutepunkt.consent;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import no.knutepunkt.model.event.EventCodec;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A municipality's partner profile as one of its changes left it: the register's history, one row per version. */
@Entity
@IdClass(PartnerProfileVersion.Key.class)
@Table(name = "partner_profile_versions")
public class PartnerProfileVersion extends PanacheEntityBase {

    public static class Key implements Serializable {
        public String orgnr;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Objects.equals(orgnr, k.orgnr) && version == k.version;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(orgnr, version);
        }
    }

    @Id
    public String orgnr;
    @Id
    public int version;
    /** ServiceCode → the EPJ's service code patterns, as JSON. */
    @Column(length = 8000, nullable = false)
    public String serviceCodes;
    public String changedBy;
    @Column(nullable = false)
    public Instant changedAt;

    public Map<String, List<String>> serviceCodeMap() {
        try {
            return EventCodec.mapper().readValue(serviceCodes, new TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("partner profile " + orgnr + " v" + version + " is not readable", e);
        }
    }
}
