package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.GrantVersion;

import java.time.Instant;
import java.util.List;

/** The register's history; "current" is each grant's highest version, "as of T" its highest version changed by T. */
@ApplicationScoped
public class GrantVersionRepository implements PanacheRepositoryBase<GrantVersion, GrantVersion.Key> {

    private static final String CURRENT =
            "g.version = (select max(h.version) from GrantVersion h where h.grantId = g.grantId)";

    public Uni<List<GrantVersion>> currentOfMunicipality(String orgnr) {
        return list("from GrantVersion g where g.orgnr = ?1 and " + CURRENT + " order by g.changedAt", orgnr);
    }

    public Uni<List<GrantVersion>> currentOfSender(String vkpId) {
        return list("from GrantVersion g where g.vkpId = ?1 and " + CURRENT + " order by g.orgnr, g.changedAt", vkpId);
    }

    public Uni<List<GrantVersion>> currentAll() {
        return list("from GrantVersion g where " + CURRENT + " order by g.orgnr, g.changedAt");
    }

    /** The grants of a sender at a municipality as they stood at {@code at}, most recently changed first. */
    public Uni<List<GrantVersion>> asOf(String orgnr, String vkpId, Instant at) {
        return list("from GrantVersion g where g.orgnr = ?1 and g.vkpId = ?2 and g.changedAt <= ?3 and g.version = "
                + "(select max(h.version) from GrantVersion h where h.grantId = g.grantId and h.changedAt <= ?3) "
                + "order by g.changedAt desc", orgnr, vkpId, at);
    }

    public Uni<List<GrantVersion>> history(String grantId) {
        return list("grantId = ?1 order by version", grantId);
    }

    public Uni<GrantVersion> current(String grantId) {
        return find("grantId = ?1 order by version desc", grantId).firstResult();
    }

    public Uni<GrantVersion> version(String grantId, int version) {
        return find("grantId = ?1 and version = ?2", grantId, version).firstResult();
    }

    /** Current, unrevoked grants that end within (now, until] and whose version has not been announced. */
    public Uni<List<GrantVersion>> endingUnannounced(Instant now, Instant until) {
        return list("from GrantVersion g where " + CURRENT + " and g.revokedAt is null and g.validTo > ?1 "
                + "and g.validTo <= ?2 and not exists (from ExpiryWarning w where w.grantId = g.grantId "
                + "and w.version = g.version)", now, until);
    }
}
