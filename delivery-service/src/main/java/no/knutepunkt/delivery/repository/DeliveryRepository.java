package no.knutepunkt.delivery.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.Delivery;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, String> {

    /**
     * What may be pushed now: waiting, due, not held by a pause, and first in line for its patient and EPJ (an earlier
     * message of the same patient that still waits, even in backoff, holds the later ones back). Alarms first;
     * within a priority, untried before retried, so that one failing message does not take every turn.
     */
    public Uni<List<Delivery>> due(Instant now, int limit) {
        return find("from Delivery d where d.state = 'waiting' and d.nextAttemptAt <= ?1"
                + " and not exists (from Delivery e where e.state = 'waiting' and e.patientKey = d.patientKey"
                + " and e.endpoint = d.endpoint and e.routedOffset < d.routedOffset)"
                + " and not exists (from DeliveryPause p where p.orgnr = d.orgnr and p.fromAt <= ?1"
                + " and (p.untilAt is null or p.untilAt > ?1))"
                + " order by d.priority, d.attempts, d.routedAt", now).page(Page.ofSize(limit)).list();
    }

    public record Count(String state, String orgnr, long count) {
    }

    /** How many messages are in each of {@code states}, by municipality. */
    public Uni<List<Count>> countByStateAndMunicipality(List<String> states) {
        return getSession().chain(s -> s.createSelectionQuery("select d.state, d.orgnr, count(d) from Delivery d"
                + " where d.state in (:states) group by d.state, d.orgnr", Object[].class)
                .setParameter("states", states).getResultList())
                .map(rows -> rows.stream().map(r -> new Count((String) r[0], (String) r[1], (Long) r[2])).toList());
    }

    /**
     * By municipality: messages an acknowledging EPJ has had (pushed to it, or waiting for its pull) since before
     * {@code before}, and has not journaled.
     */
    public Uni<List<Count>> unjournaledByMunicipality(Instant before) {
        return getSession().chain(s -> s.createSelectionQuery("select d.orgnr, count(d) from Delivery d"
                + " where d.mode in ('pull', 'both') and d.state in ('delivered', 'awaiting-pull')"
                + " and d.journaledAt is null and coalesce(d.deliveredAt, d.routedAt) < :before group by d.orgnr",
                Object[].class)
                .setParameter("before", before).getResultList())
                .map(rows -> rows.stream().map(r -> new Count("delivered", (String) r[0], (Long) r[1])).toList());
    }

    public Uni<List<Delivery>> inState(String orgnr, String state, int limit) {
        return find("orgnr = ?1 and state = ?2 order by updatedAt", orgnr, state).page(Page.ofSize(limit)).list();
    }

    /**
     * A municipality's EPJ inbox: its pull-mode messages changed after the cursor, oldest first.
     *
     * @param after         only those changed after this (the page cursor, or {@code _lastUpdated})
     * @param afterId       ties on {@code after} broken by message id
     * @param unacknowledged only those not yet journaled
     */
    public Uni<List<Delivery>> inbox(String orgnr, Instant after, String afterId, boolean unacknowledged, int limit) {
        return find("orgnr = ?1 and mode in ('pull', 'both') and state <> 'deleted'"
                + " and (updatedAt > ?2 or (updatedAt = ?2 and messageId > ?3))"
                + (unacknowledged ? " and journaledAt is null" : "")
                + " order by updatedAt, messageId", orgnr, after, afterId).page(Page.ofSize(limit)).list();
    }
}
