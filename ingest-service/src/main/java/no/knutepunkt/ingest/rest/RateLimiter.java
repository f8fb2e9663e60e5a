package no.knutepunkt.ingest.rest;

import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per HelseID client and instance: one vendor's flood cannot starve the others. */
@ApplicationScoped
public class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(IngestConfig config) {
        this.perSecond = config.limits().perClientPerSecond();
        this.burst = config.limits().perClientBurst();
    }

    private final class Bucket {
        private double tokens = burst;
        private long refilledAt = System.nanoTime();

        synchronized double take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / perSecond;
        }
    }

    /** Takes one request from the client's bucket, or throws 429 with the seconds to wait. */
    public void admit(String clientId) {
        double wait = buckets.computeIfAbsent(clientId == null ? "" : clientId, c -> new Bucket()).take();
        if (wait > 0) {
            long retryAfter = Math.max(1, (long) Math.ceil(wait));
            throw Rejection.retryLater(429, retryAfter, Outcomes.error(IssueType.THROTTLED, VkpCode.OTHER,
                    "rate-limit", "more than " + (long) perSecond + " writes per second from this client; retry after "
                            + retryAfter + " s"));
        }
    }
}
