package no.knutepunkt.delivery.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** How hard delivery tries before it gives up on a message. */
@ConfigMapping(prefix = "delivery")
public interface DeliveryConfig {

    /** Attempts per message, the first included. */
    int maxAttempts();

    /** Wait before the second attempt; it doubles each time, with jitter, up to {@link #maxBackoff()}. */
    Duration firstBackoff();

    Duration maxBackoff();

    /** How long one request to the EPJ may take before it counts as failed. */
    Duration requestTimeout();
}
