package no.knutepunkt.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of ingest-service. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Secret of the keyed hash that turns a patient identifier into the event subject and Kafka key. */
    String pseudonymSecret();

    /** How long a write waits for consent's decision, so that a denial is the answer to the request itself. */
    Duration decisionWait();

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
    }
}
