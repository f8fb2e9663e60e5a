package no.knutepunkt.delivery.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.Redrive;
import no.knutepunkt.model.event.RedriveFilter;

import java.util.List;

@ApplicationScoped
public class RedriveRepository implements PanacheRepositoryBase<Redrive, String> {

    public Uni<List<Redrive>> running() {
        return list("state", Redrive.RUNNING);
    }

    public Uni<List<Redrive>> of(String orgnr) {
        return orgnr == null ? list("order by requestedAt desc") : list("orgnr = ?1 order by requestedAt desc", orgnr);
    }

    /**
     * The messages a filter takes, in queue order. Messages this re-drive already put back ({@code redriveId}) are not
     * taken again; messages the EPJ has journaled never are.
     */
    public Uni<List<Delivery>> matching(RedriveFilter f, String redriveId) {
        Parameters p = new Parameters();
        return Delivery.<Delivery>find("from Delivery where " + where(f, false, redriveId, p)
                + " order by routedOffset, routedAt", p).list();
    }

    /** How many messages the filter matches that the EPJ has journaled: the ones a re-drive leaves alone. */
    public Uni<Long> journaled(RedriveFilter f) {
        Parameters p = new Parameters();
        return Delivery.count(where(f, true, null, p), p);
    }

    private static String where(RedriveFilter f, boolean journaled, String redriveId, Parameters p) {
        StringBuilder where = new StringBuilder("routedAt >= :from and routedAt < :to and state in :states");
        p.and("from", f.from()).and("to", f.to()).and("states", f.states());
        where.append(journaled ? " and journaledAt is not null" : " and journaledAt is null");
        if (f.orgnr() != null) {
            where.append(" and orgnr = :orgnr");
            p.and("orgnr", f.orgnr());
        }
        if (f.epj() != null) {
            where.append(" and (epjProduct = :epj or endpoint = :epj)");
            p.and("epj", f.epj());
        }
        if (f.sender() != null) {
            where.append(" and sender = :sender");
            p.and("sender", f.sender());
        }
        if (f.kind() != null) {
            where.append(" and kind = :kind");
            p.and("kind", f.kind().name());
        }
        if (redriveId != null) {
            where.append(" and (redriveId is null or redriveId <> :redrive)");
            p.and("redrive", redriveId);
        }
        return where.toString();
    }

    public Uni<Long> redriven(String redriveId) {
        return Delivery.count("redriveId", redriveId);
    }

    public Uni<Long> deliveredAgain(Redrive r) {
        return Delivery.count("redriveId = ?1 and (deliveredAt > ?2 or journaledAt > ?2)", r.redriveId,
                r.requestedAt);
    }
}
