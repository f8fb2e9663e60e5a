package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.PartnerProfileVersion;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class PartnerProfileRepository implements PanacheRepositoryBase<PartnerProfileVersion,
        PartnerProfileVersion.Key> {

    /** The profile in force at {@code at}: the highest version changed by then, or null. */
    public Uni<PartnerProfileVersion> asOf(String orgnr, Instant at) {
        return find("orgnr = ?1 and changedAt <= ?2 order by version desc", orgnr, at).firstResult();
    }

    public Uni<PartnerProfileVersion> current(String orgnr) {
        return find("orgnr = ?1 order by version desc", orgnr).firstResult();
    }

    public Uni<List<PartnerProfileVersion>> history(String orgnr) {
        return list("orgnr = ?1 order by version", orgnr);
    }

    public Uni<PartnerProfileVersion> version(String orgnr, int version) {
        return find("orgnr = ?1 and version = ?2", orgnr, version).firstResult();
    }
}
