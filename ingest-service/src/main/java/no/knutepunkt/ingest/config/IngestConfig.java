package no.knutepunkt.ingest.config;

import io.smallrye.config.ConfigMapping;

/** Settings of ingest-service. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Secret of the keyed hash that turns a patient identifier into the event subject and Kafka key. */
    String pseudonymSecret();
}
