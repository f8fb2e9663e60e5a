package no.knutepunkt.delivery.service;

import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit per EPJ endpoint. After {@code breakerThreshold} failures in a row it opens: no attempts at all, so an
 * EPJ that is down gets a bounded trickle of probes instead of every waiting message's retries. When the open
 * period ends, one message probes; success closes the circuit, failure opens it for twice as long (up to the
 * maximum backoff).
 */
@ApplicationScoped
public class CircuitBreakers {

    private final DeliveryConfig config;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    public CircuitBreakers(DeliveryConfig config) {
        this.config = config;
    }

    private static final class Circuit {
        int failures;
        Instant openUntil;
        Duration openFor;
    }

    /** How many messages may be tried on this endpoint now: 0 while open, 1 to probe, otherwise the batch. */
    public synchronized int allowance(String endpoint, Instant now, int batch) {
        Circuit c = circuits.get(endpoint);
        if (c == null || c.failures < config.breakerThreshold()) {
            return batch;
        }
        return now.isBefore(c.openUntil) ? 0 : 1;
    }

    /** Closes the circuit; true when it was open (the EPJ is back). */
    public synchronized boolean succeeded(String endpoint) {
        Circuit c = circuits.remove(endpoint);
        return c != null && c.failures >= config.breakerThreshold();
    }

    public synchronized void failed(String endpoint, Instant now) {
        Circuit c = circuits.computeIfAbsent(endpoint, e -> new Circuit());
        c.failures++;
        if (c.failures >= config.breakerThreshold()) {
            c.openFor = c.openFor == null ? config.firstBackoff()
                    : min(c.openFor.multipliedBy(2), config.breakerMaxOpen());
            c.openUntil = now.plus(c.openFor);
        }
    }

    /** When the open circuit lets the next probe through; null when it is closed. */
    public synchronized Instant reopensAt(String endpoint) {
        Circuit c = circuits.get(endpoint);
        return c != null && c.failures >= config.breakerThreshold() ? c.openUntil : null;
    }

    public synchronized boolean isOpen(String endpoint) {
        Circuit c = circuits.get(endpoint);
        return c != null && c.failures >= config.breakerThreshold();
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
