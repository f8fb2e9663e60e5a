package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.PatientRestriction;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class RestrictionRepository implements PanacheRepositoryBase<PatientRestriction, String> {

    /** The restrictions on one patient at a municipality that were in force at {@code at}. */
    public Uni<List<PatientRestriction>> inForce(String orgnr, String patientKey, Instant at) {
        return list("orgnr = ?1 and patientKey = ?2 and restrictedAt <= ?3 and (liftedAt is null or liftedAt > ?3) "
                + "order by restrictedAt", orgnr, patientKey, at);
    }

    public Uni<List<PatientRestriction>> ofMunicipality(String orgnr) {
        return list("orgnr = ?1 order by restrictedAt", orgnr);
    }
}
