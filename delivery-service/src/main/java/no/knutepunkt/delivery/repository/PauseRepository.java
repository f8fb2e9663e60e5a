package no.knutepunkt.delivery.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.DeliveryPause;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class PauseRepository implements PanacheRepositoryBase<DeliveryPause, String> {

    /** Pauses in force now or planned, of one municipality. */
    public Uni<List<DeliveryPause>> current(String orgnr, Instant now) {
        return list("orgnr = ?1 and (untilAt is null or untilAt > ?2) order by fromAt", orgnr, now);
    }

    /** Ends every pause in force at {@code at}; planned windows that have not begun stay. */
    public Uni<Integer> endAt(String orgnr, Instant at) {
        return update("untilAt = ?2 where orgnr = ?1 and fromAt <= ?2 and (untilAt is null or untilAt > ?2)", orgnr,
                at);
    }
}
