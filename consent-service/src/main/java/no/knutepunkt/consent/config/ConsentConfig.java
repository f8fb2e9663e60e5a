package no.knutepunkt.consent.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Settings of consent-service. */
@ConfigMapping(prefix = "consent")
public interface ConsentConfig {

    /**
     * Secret of the keyed hash of patient identifiers. It must be ingest-service's, so that a restriction's hash is
     * the key of that patient's messages.
     */
    String pseudonymSecret();

    /** How long a change through the API waits for the projection to hold it, so that the answer means "in force". */
    Duration applyWait();

    /** How long before a grant ends it is marked, and announced, as expiring soon. */
    Duration expiryWarning();

    /** How often grants are checked for coming ends (read by the scheduler, e.g. {@code 1h}). */
    String expiryCheckEvery();
}
