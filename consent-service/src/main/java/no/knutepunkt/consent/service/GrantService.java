package no.knutepunkt.consent.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.Grant;
import no.knutepunkt.consent.messaging.ConsentPublisher;
import no.knutepunkt.consent.repository.GrantRepository;
import no.knutepunkt.model.event.AccessGranted;
import no.knutepunkt.model.event.AccessRevoked;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Changes to the register are events first; the projection follows from the topic. */
@ApplicationScoped
public class GrantService {

    /** The CloudEvents source of every event consent-service writes. */
    public static final String SOURCE = "knutepunkt/consent-service";

    private final ConsentPublisher publisher;
    private final GrantRepository grants;

    public GrantService(ConsentPublisher publisher, GrantRepository grants) {
        this.publisher = publisher;
        this.grants = grants;
    }

    public record NewGrant(String vkpId, String vendor, String system, List<String> scopes,
            List<String> serviceCodes, Instant validFrom, Instant validTo, String legalBasis) {
    }

    public Uni<AccessGranted> grant(String orgnr, NewGrant request, String changedBy) {
        if (request == null || blank(request.vkpId()) || blank(request.legalBasis()) || request.scopes() == null
                || request.scopes().isEmpty()) {
            throw invalid("grant-request", "a grant needs vkpId, scopes and legalBasis");
        }
        if (request.validFrom() != null && request.validTo() != null && !request.validTo().isAfter(request.validFrom())) {
            throw invalid("grant-validity", "validTo must be after validFrom");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String grantId = UUID.randomUUID().toString();
        AccessGranted granted = new AccessGranted(grantId, 1, orgnr, request.vkpId(), request.vendor(),
                request.system(), request.scopes(), request.serviceCodes() == null ? List.of() : request.serviceCodes(),
                request.validFrom() == null ? now : request.validFrom(), request.validTo(), request.legalBasis(),
                changedBy, now);
        return publisher.grantChanged(EventEnvelope.create(SOURCE, orgnr, grantId, null, granted))
                .replaceWith(granted);
    }

    @WithSession
    public Uni<AccessRevoked> revoke(String orgnr, String grantId, String reason, String changedBy) {
        if (blank(reason)) {
            throw invalid("revoke-reason", "a revocation needs a reason");
        }
        return grants.findById(grantId).chain(grant -> {
            if (grant == null || !grant.orgnr.equals(orgnr)) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, "grant-unknown",
                        "no grant " + grantId + " at municipality " + orgnr));
            }
            AccessRevoked revoked = new AccessRevoked(grantId, grant.version + 1, orgnr, grant.vkpId, reason,
                    changedBy, Instant.now().truncatedTo(ChronoUnit.MICROS));
            return publisher.grantChanged(EventEnvelope.create(SOURCE, orgnr, grantId, null, revoked))
                    .replaceWith(revoked);
        });
    }

    @WithSession
    public Uni<List<Grant>> list(String orgnr) {
        return grants.ofMunicipality(orgnr);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Rejection invalid(String rule, String text) {
        return new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, rule, text));
    }
}
