package no.knutepunkt.consent.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.Grant;

import java.util.List;

@ApplicationScoped
public class GrantRepository implements PanacheRepositoryBase<Grant, String> {

    public Uni<List<Grant>> forSender(String vkpId, String orgnr) {
        return list("vkpId = ?1 and orgnr = ?2 order by changedAt desc", vkpId, orgnr);
    }

    public Uni<List<Grant>> ofMunicipality(String orgnr) {
        return list("orgnr = ?1 order by changedAt", orgnr);
    }
}
