package no.knutepunkt.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of ingest-service. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Secret of the keyed hash that turns a patient identifier into the event subject and Kafka key. */
    String pseudonymSecret();

    /** How long a write waits for consent's decision, so that a denial is the answer to the request itself. */
    Duration decisionWait();

    /** How long a read waits for the EPJ's answer before it is answered 504 (VKP 3.1). */
    @WithDefault("10s")
    Duration readDeadline();

    /** Which VKP rules refuse a message, which only warn. */
    Validation validation();

    interface Validation {
        /** lenient-1 (accepts real traffic's known deviations with warnings) or strict-1. */
        @WithDefault("lenient-1")
        String ruleSet();

        /** Per-rule overrides of the set, e.g. {@code vkp-composition-type=enforce,fhir-empty-string=off}. */
        Optional<List<String>> modes();

        /** test (synthetic national ids only) or production (no synthetic ids). */
        @WithDefault("test")
        String environment();
    }

    /** Bounds on what one request may cost. */
    Limits limits();

    interface Limits {
        /** Largest body accepted, in bytes; larger ones get 413. */
        @WithDefault("1048576")
        long maxBodyBytes();

        /** Deepest JSON nesting accepted; a VKP bundle needs about 12. */
        @WithDefault("40")
        int maxDepth();

        /** Most Bundle entries accepted. */
        @WithDefault("500")
        int maxEntries();

        /** Sustained writes per second per HelseID client, and the burst above it. */
        @WithDefault("100")
        int perClientPerSecond();

        @WithDefault("200")
        int perClientBurst();

        /**
         * Writes one instance works on at once; one more is refused at once with 503 and Retry-After. About the
         * instance's writes per second times the answer time a vendor should see at worst.
         */
        @WithDefault("64")
        int maxInFlight();

        /**
         * How long a request's body may take to arrive, from its headers on; then 408. A 1 MB bundle over a poor
         * mobile link (about 100 kbit/s) takes some 80 s.
         */
        @WithDefault("120s")
        Duration bodyReadTimeout();

        /** The Retry-After of that 503. */
        @WithDefault("2s")
        Duration overloadRetryAfter();
    }
}
