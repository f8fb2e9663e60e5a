package no.knutepunkt.delivery.service;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.fhir.TransactionBuilder;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageRouted;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pushes one routed message to its EPJ as a FHIR transaction, with bounded retries and exponential backoff with
 * jitter. Answers the outcome as an event: delivered, or failed with the attempt count and the last error.
 */
@ApplicationScoped
@Startup
public class EpjDelivery {

    private static final Logger LOG = Logger.getLogger(EpjDelivery.class);

    private final DeliveryConfig config;
    private final HttpClient http;

    public EpjDelivery(DeliveryConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        // HAPI builds its model on first use (seconds): do it at start-up, not with the first message
        TransactionBuilder.transaction("warm-up", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    }

    public EventData deliver(MessageRouted message) throws InterruptedException {
        String endpoint = message.destination().endpoint();
        String transaction = TransactionBuilder.transaction(message.messageId(), message.payload());
        String lastError = null;
        Duration backoff = config.firstBackoff();
        int attempt = 0;
        while (attempt < config.maxAttempts()) {
            attempt++;
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                        .timeout(config.requestTimeout())
                        .header("Content-Type", "application/fhir+json")
                        // lets an EPJ that supports it recognise a redelivery of the same message
                        .header("X-Idempotency-Key", message.messageId())
                        .POST(HttpRequest.BodyPublishers.ofString(transaction))
                        .build(), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return new MessageDelivered(message.messageId(), message.orgnr(), endpoint, attempt, status,
                            now());
                }
                lastError = "HTTP " + status + " from EPJ";
                if (status / 100 == 4 && status != 408 && status != 429) {
                    break; // the EPJ refuses this message; repeating it will not help
                }
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + " calling EPJ";
            }
            LOG.infof("delivery of message %s, attempt %d/%d failed: %s", message.messageId(), attempt,
                    config.maxAttempts(), lastError);
            if (attempt < config.maxAttempts()) {
                Thread.sleep(jittered(backoff).toMillis());
                backoff = min(backoff.multipliedBy(2), config.maxBackoff());
            }
        }
        return new DeliveryFailed(message.messageId(), message.orgnr(), endpoint, attempt, lastError, now());
    }

    private static Duration jittered(Duration d) {
        long ms = d.toMillis();
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
