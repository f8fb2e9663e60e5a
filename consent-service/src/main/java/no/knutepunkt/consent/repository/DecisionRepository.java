package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.Decision;

import java.util.List;

@ApplicationScoped
public class DecisionRepository implements PanacheRepositoryBase<Decision, String> {

    /** A municipality's latest decisions, optionally for one sender. */
    public Uni<List<Decision>> latest(String orgnr, String vkpId, int limit) {
        return (vkpId == null ? find("orgnr = ?1 order by decidedAt desc", orgnr)
                : find("orgnr = ?1 and vkpId = ?2 order by decidedAt desc", orgnr, vkpId))
                .page(Page.ofSize(limit)).list();
    }
}
