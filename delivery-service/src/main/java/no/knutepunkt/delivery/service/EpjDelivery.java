package no.knutepunkt.delivery.service;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;
import com.fasterxml.jackson.databind.JsonNode;
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.fhir.EpicNote;
import no.knutepunkt.delivery.fhir.TransactionBuilder;
import no.knutepunkt.model.event.EventCodec;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * One attempt to push a message to its EPJ as a FHIR transaction with conditional creates, so that a second attempt
 * of a message the EPJ already has finds it instead of making another.
 */
@ApplicationScoped
@Startup
public class EpjDelivery {

    private final DeliveryConfig config;
    private final EpjCredentials credentials;
    private final HttpClient http;

    public EpjDelivery(DeliveryConfig config, EpjCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
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

        /** The EPJ answered, and not to say it is unavailable (an outage, not a judgement of this message). */
        public boolean answered() {
            return status != 0 && status != 429 && status != 502 && status != 503 && status != 504;
        }
    }

    static final String HELSEPLATTFORMEN = "helseplattformen";

    /**
     * Epic takes a clinical note per message: find the patient by national id, then create the note conditionally
     * on the message id. A patient the EPJ does not know is a refusal (a dead letter to resend once registered).
     */
    private Attempt epic(Delivery d, String payload, String bearer) throws IOException, InterruptedException {
        EpicNote.PatientId patient = EpicNote.patientOf(payload);
        if (patient == null) {
            return new Attempt(0, "no person identifier in the message for the EPJ's patient search", true);
        }
        HttpRequest.Builder search = HttpRequest.newBuilder(URI.create(d.endpoint + "/Patient?identifier="
                + URLEncoder.encode(patient.search(), StandardCharsets.UTF_8))).timeout(config.requestTimeout())
                .header("Accept", "application/fhir+json").GET();
        if (bearer != null) {
            search.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> found = http.send(search.build(), HttpResponse.BodyHandlers.ofString());
        if (found.statusCode() / 100 != 2) {
            return answer(found.statusCode());
        }
        JsonNode hit = EventCodec.mapper().readTree(found.body()).path("entry").path(0).path("resource");
        if (!hit.hasNonNull("id")) {
            return new Attempt(404, "the EPJ has no patient with the message's national id", true);
        }
        String type = config.epic().noteTypes().getOrDefault(d.kind, config.epic().noteTypes().get("OTHER"));
        String note = EpicNote.documentReference(d.messageId, payload, type, "Patient/" + hit.get("id").asText(),
                d.routedAt);
        return answer(post(d.endpoint + "/DocumentReference", d.messageId, note,
                "identifier=" + URLEncoder.encode(EpicNote.MESSAGE_ID_SYSTEM + "|urn:uuid:" + d.messageId,
                        StandardCharsets.UTF_8), bearer));
    }

    private int post(String url, String messageId, String body, String ifNoneExist, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.requestTimeout())
                .header("Content-Type", "application/fhir+json")
                // lets an EPJ that supports it recognise a redelivery of the same message
                .header("X-Idempotency-Key", messageId)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (ifNoneExist != null) {
            request.header("If-None-Exist", ifNoneExist);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Attempt answer(int status) {
        if (status / 100 == 2) {
            return new Attempt(status, null, false);
        }
        boolean refused = status / 100 == 4 && status != 408 && status != 429;
        return new Attempt(status, "HTTP " + status + " from EPJ", refused);
    }

    /** What an attempt comes to when the message's payload was erased: a refusal, since no retry can help. */
    public static final Attempt ERASED = new Attempt(0, "the payload was erased (crypto-shredded) before delivery",
            true);

    /** Blocking: call it off the event loop. {@code payload} is the message as received (opened from the vault). */
    public Attempt attempt(Delivery d, String payload) {
        try {
            String bearer = d.credentialsRef == null ? null : credentials.bearer(d.credentialsRef);
            if (HELSEPLATTFORMEN.equals(d.epjProduct)) {
                return epic(d, payload, bearer);
            }
            return answer(post(d.endpoint, d.messageId,
                    TransactionBuilder.transaction(d.messageId, payload, d.journalType), null, bearer));
        } catch (EpjCredentials.Unavailable e) {
            return new Attempt(0, e.getMessage(), false);
        } catch (RuntimeException e) {
            // the message could not be made into a request: it will fail the same way every time
            return new Attempt(0, "the message could not be made into a request for the EPJ ("
                    + e.getClass().getSimpleName() + ")", true);
        } catch (IOException e) {
            return new Attempt(0, e.getClass().getSimpleName() + " calling EPJ", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, "interrupted", false);
        }
    }
}
