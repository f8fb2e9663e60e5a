package no.knutepunkt.ingest.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Settings of ingest-service. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Secret of the keyed hash that turns a patient identifier into the event subject and Kafka key. */
    String pseudonymSecret();

    /** How long a write waits for consent's decision, so that a denial is the answer to the request itself. */
    Duration decisionWait();
}
