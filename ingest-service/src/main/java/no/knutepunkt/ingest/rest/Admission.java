package no.knutepunkt.ingest.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the writes this instance works on at once. Past the bound a write is refused at once with 503 and
 * Retry-After, before it costs anything: an overloaded hub that queues every request answers all of them late,
 * accepts fewer, and lets vendors time out not knowing whether their message was taken.
 */
@ApplicationScoped
public class Admission {

    private final int maxInFlight;
    private final long retryAfterSeconds;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter refused;

    public Admission(IngestConfig config, MeterRegistry registry) {
        this.maxInFlight = config.limits().maxInFlight();
        this.retryAfterSeconds = Math.max(1, config.limits().overloadRetryAfter().toSeconds());
        Gauge.builder("knutepunkt_ingest_writes_in_flight", inFlight, AtomicInteger::get)
                .description("writes this ingest instance is working on").register(registry);
        this.refused = Counter.builder("knutepunkt_ingest_writes_refused_overloaded")
                .description("writes refused with 503 because the instance had its bound of writes in flight")
                .register(registry);
    }

    /** Runs the write if there is room for it, and frees the room however it ends; otherwise throws 503. */
    public <T> Uni<T> admit(Supplier<Uni<? extends T>> write) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            refused.increment();
            throw Rejection.retryLater(503, retryAfterSeconds, Outcomes.error(IssueType.TRANSIENT, VkpCode.OTHER,
                    "overloaded", "the hub is working on as many messages as it can; this one was not accepted, send "
                            + "it again after " + retryAfterSeconds + " s"));
        }
        return Uni.createFrom().<T>deferred(write).onTermination().invoke(inFlight::decrementAndGet);
    }
}
