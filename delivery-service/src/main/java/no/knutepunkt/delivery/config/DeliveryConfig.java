package no.knutepunkt.delivery.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** How delivery paces itself, and when it gives up on a message. */
@ConfigMapping(prefix = "delivery")
public interface DeliveryConfig {

    /**
     * Failed attempts per message, made while its EPJ was otherwise answering, after which it becomes a dead letter.
     * Probes of an EPJ whose circuit is open count only when the EPJ answered them (with an error).
     */
    int maxAttempts();

    /**
     * Answered failures in a row with the same error after which a message is a dead letter whatever the circuit's
     * state: a message the EPJ fails the same way every time must not hold its patient's queue or its EPJ.
     */
    int maxSameFailures();

    /** Age (since its first attempt) after which a message that fails again (not as a probe) becomes a dead letter. */
    Duration maxAge();

    /** Wait before the second attempt; it doubles each time, with jitter, up to {@link #maxBackoff()}. */
    Duration firstBackoff();

    Duration maxBackoff();

    /** The patient pseudonym's secret (ingest's): the keys of the patients a read disclosed are made with it. */
    String pseudonymSecret();

    /** How long one request to the EPJ may take before it counts as failed. */
    Duration requestTimeout();

    /** How often the queue is looked at for messages that are due; a routed message is also looked at at once. */
    Duration dispatchEvery();

    /** Most messages taken from the queue per look. */
    int dispatchBatch();

    /** Attempts to one EPJ side by side (each of another patient). */
    @io.smallrye.config.WithDefault("8")
    int perEpjConcurrency();

    /** Consecutive failures of one EPJ after which its circuit opens: no attempts until it is probed again. */
    int breakerThreshold();

    /**
     * Longest an open circuit waits before the next probe (it doubles from {@link #firstBackoff()}): after an outage
     * of any length the EPJ is found back within this time, at the cost of one request per period while it is down.
     */
    @io.smallrye.config.WithDefault("30s")
    Duration breakerMaxOpen();

    /** After how long a message an acknowledging EPJ has, and has not journaled, counts as overdue (an alert). */
    @io.smallrye.config.WithDefault("6h")
    Duration unjournaledAfter();

    /** Re-drives: how fast one may put messages back in each EPJ's queue at most, and by default. */
    Redrive redrive();

    interface Redrive {
        @io.smallrye.config.WithDefault("5")
        int defaultPerEpjPerSecond();

        @io.smallrye.config.WithDefault("50")
        int maxPerEpjPerSecond();
    }

    /** Where the EPJs' client credentials are, one {@code {ref}.properties} per route's credentials reference. */
    java.util.Optional<java.nio.file.Path> credentialsDir();

    /** The Helseplattformen (Epic) profile. */
    Epic epic();

    interface Epic {
        /** The note type per message kind, as {@code system|code|display} (see delivery-service/docs/helseplattformen.md). */
        java.util.Map<String, String> noteTypes();
    }
}
