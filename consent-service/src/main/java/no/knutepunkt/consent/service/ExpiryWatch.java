package no.knutepunkt.consent.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.consent.messaging.ConsentPublisher;
import no.knutepunkt.consent.repository.GrantVersionRepository;
import no.knutepunkt.model.event.AccessExpiryWarned;
import no.knutepunkt.model.event.EventEnvelope;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Announces grants that end within the warning period, once per grant version, so that the municipality and the
 * sender can renew in time instead of finding out from denied messages.
 */
@ApplicationScoped
public class ExpiryWatch {

    private static final Logger LOG = Logger.getLogger(ExpiryWatch.class);

    private final GrantVersionRepository grants;
    private final ConsentPublisher publisher;
    private final ConsentConfig config;
    /** Announced by this instance and perhaps not projected yet: not announced twice meanwhile. */
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    public ExpiryWatch(GrantVersionRepository grants, ConsentPublisher publisher, ConsentConfig config) {
        this.grants = grants;
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${consent.expiry-check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withSession(() -> grants.endingUnannounced(now, now.plus(config.expiryWarning())))
                .onItem().transformToMulti(Multi.createFrom()::iterable)
                .filter(g -> announced.add(g.grantId + "/" + g.version))
                .onItem().transformToUniAndConcatenate(g -> publisher.registerChanged(EventEnvelope.create(
                        RegisterService.SOURCE, g.orgnr, g.grantId, null,
                        new AccessExpiryWarned(g.grantId, g.version, g.orgnr, g.vkpId, g.validTo, now)))
                        .onFailure().invoke(() -> announced.remove(g.grantId + "/" + g.version)))
                .collect().last().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("expiry check failed, tried again at the next: %s", e.toString()))
                .onFailure().recoverWithNull();
    }
}
