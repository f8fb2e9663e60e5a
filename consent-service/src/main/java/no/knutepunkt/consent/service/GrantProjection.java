package no.knutepunkt.consent.service;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.Grant;
import no.knutepunkt.consent.repository.GrantRepository;
import no.knutepunkt.model.event.AccessGranted;
import no.knutepunkt.model.event.AccessRevoked;
import no.knutepunkt.model.event.EventData;

/** Applies register events to the grants table; an event older than what is stored changes nothing. */
@ApplicationScoped
public class GrantProjection {

    private final GrantRepository grants;

    public GrantProjection(GrantRepository grants) {
        this.grants = grants;
    }

    @WithTransaction
    public Uni<Void> apply(EventData event) {
        if (event instanceof AccessGranted e) {
            return grants.findById(e.grantId()).chain(existing -> {
                if (existing != null && existing.version >= e.version()) {
                    return Uni.createFrom().voidItem();
                }
                Grant g = existing != null ? existing : new Grant();
                g.grantId = e.grantId();
                g.version = e.version();
                g.orgnr = e.orgnr();
                g.vkpId = e.vkpId();
                g.vendor = e.vendor();
                g.system = e.system();
                g.scopes = String.join(" ", e.scopes());
                g.serviceCodes = e.serviceCodes() == null ? null : String.join(" ", e.serviceCodes());
                g.validFrom = e.validFrom();
                g.validTo = e.validTo();
                g.legalBasis = e.legalBasis();
                g.changedBy = e.grantedBy();
                g.changedAt = e.grantedAt();
                return grants.persist(g).replaceWithVoid();
            });
        }
        if (event instanceof AccessRevoked e) {
            return grants.findById(e.grantId()).chain(existing -> {
                if (existing == null || existing.version >= e.version()) {
                    return Uni.createFrom().voidItem();
                }
                existing.version = e.version();
                existing.revokedAt = e.revokedAt();
                existing.revokeReason = e.reason();
                existing.changedBy = e.revokedBy();
                existing.changedAt = e.revokedAt();
                return Uni.createFrom().voidItem();
            });
        }
        return Uni.createFrom().voidItem();
    }
}
