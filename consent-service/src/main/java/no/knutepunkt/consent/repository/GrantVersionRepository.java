package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.GrantVersion;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;

/**
 * The register's history; "current" is each grant's highest version, "as of T" its highest version changed by T.
 * Both are one pass ({@code DISTINCT ON}), not a subquery per row, whose cost would depend on the planner's guesses.
 */
@ApplicationScoped
public class GrantVersionRepository implements PanacheRepositoryBase<GrantVersion, GrantVersion.Key> {

    private static final String LATEST = "SELECT * FROM (SELECT DISTINCT ON (grant_id) * FROM grant_versions %s "
            + "ORDER BY grant_id, version DESC) latest %s";

    public Uni<List<GrantVersion>> currentOfMunicipality(String orgnr) {
        return latest("WHERE orgnr = ?1", "ORDER BY changed_at", orgnr);
    }

    public Uni<List<GrantVersion>> currentOfSender(String vkpId) {
        return latest("WHERE vkp_id = ?1", "ORDER BY orgnr, changed_at", vkpId);
    }

    public Uni<List<GrantVersion>> currentAll() {
        return latest("", "ORDER BY orgnr, changed_at");
    }

    /** The grants of a sender at a municipality as they stood at {@code at}, most recently changed first. */
    public Uni<List<GrantVersion>> asOf(String orgnr, String vkpId, Instant at) {
        return latest("WHERE orgnr = ?1 AND vkp_id = ?2 AND changed_at <= ?3", "", orgnr, vkpId, time(at))
                .map(found -> found.stream().sorted(Comparator.comparing((GrantVersion g) -> g.changedAt).reversed())
                        .toList());
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
        return latest("", "WHERE revoked_at IS NULL AND valid_to > ?1 AND valid_to <= ?2 AND NOT EXISTS (SELECT 1 "
                + "FROM expiry_warnings w WHERE w.grant_id = latest.grant_id AND w.version = latest.version)",
                time(now), time(until));
    }

    private Uni<List<GrantVersion>> latest(String where, String outer, Object... parameters) {
        return getSession().chain(session -> {
            var query = session.createNativeQuery(String.format(LATEST, where, outer), GrantVersion.class);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return query.getResultList();
        });
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
