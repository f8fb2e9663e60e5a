package no.knutepunkt.delivery.service;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.delivery.fhir.TransactionBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One attempt to push a message to its EPJ as a FHIR transaction with conditional creates, so that a second attempt
 * of a message the EPJ already has finds it instead of making another.
 */
@ApplicationScoped
@Startup
public class EpjDelivery {

    private final DeliveryConfig config;
    private final HttpClient http;

    public EpjDelivery(DeliveryConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        // HAPI builds its model on first use (seconds): do it at start-up, not with the first message
        TransactionBuilder.transaction("warm-up", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    }

    /**
     * What one attempt came to.
     *
     * @param status the EPJ's HTTP status, or 0 when there was no answer
     * @param error  what went wrong, or null on success
     * @param refused true when repeating cannot help (the EPJ refused the message itself)
     */
    public record Attempt(int status, String error, boolean refused) {
        public boolean delivered() {
            return error == null;
        }
    }

    /** Blocking: call it off the event loop. */
    public Attempt attempt(String messageId, String endpoint, String payload, String journalType) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(config.requestTimeout())
                    .header("Content-Type", "application/fhir+json")
                    // lets an EPJ that supports it recognise a redelivery of the same message
                    .header("X-Idempotency-Key", messageId)
                    .POST(HttpRequest.BodyPublishers.ofString(TransactionBuilder.transaction(messageId, payload, journalType)))
                    .build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Attempt(status, null, false);
            }
            boolean refused = status / 100 == 4 && status != 408 && status != 429;
            return new Attempt(status, "HTTP " + status + " from EPJ", refused);
        } catch (IOException e) {
            return new Attempt(0, e.getClass().getSimpleName() + " calling EPJ", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, "interrupted", false);
        }
    }
}
