package no.knutepunkt.ingest.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.fhir.validation.DeepValidator;
import no.knutepunkt.ingest.service.IngestService;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.MessageValidated;
import no.knutepunkt.model.kafka.KafkaEvents;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Validates every received message thoroughly, off the request path, and records the findings as an event that
 * the status shows. Its own small worker pool, unordered: validation is CPU work, it must not crowd out the
 * request path, and its order does not matter.
 */
@ApplicationScoped
public class DeepValidationListener {

    private final MutinyEmitter<String> findings;
    private final PayloadVault vault;
    private volatile DeepValidator validator;

    public DeepValidationListener(@Channel("validation-findings") MutinyEmitter<String> findings,
            PayloadVault vault) {
        this.findings = findings;
        this.vault = vault;
    }

    @Incoming("deep-validation")
    @Blocking(value = "deep-validation", ordered = false)
    public void onReceived(String event) {
        EventEnvelope envelope = EventCodec.decode(event);
        if (!(envelope.payload() instanceof MessageReceived received)) {
            return;
        }
        String payload;
        try {
            payload = vault.open(received.messageId(), received.payload()).await().indefinitely();
        } catch (PayloadVault.Erased e) {
            return; // erased before it was validated: there is nothing left to validate, nor to deliver
        }
        List<MessageValidated.Issue> found = validator().validate(payload);
        // the validator's texts quote the message's values (a national id in an identifier, say): the log keeps them
        // sealed with the patient's key, like the payload, so that erasing the key erases them too
        List<String> sealed = vault.sealAll(received.orgnr(), received.patientKey(), received.messageId(),
                found.stream().map(MessageValidated.Issue::text).map(t -> t == null ? "" : t).toList())
                .await().indefinitely();
        List<MessageValidated.Issue> issues = new java.util.ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            MessageValidated.Issue issue = found.get(i);
            issues.add(new MessageValidated.Issue(issue.severity(), issue.rule(), issue.expression(), sealed.get(i)));
        }
        int errors = (int) issues.stream().filter(i -> "error".equals(i.severity())).count();
        MessageValidated validated = new MessageValidated(received.messageId(), received.orgnr(), DeepValidator.NAME,
                errors, issues.size() - errors, issues, Instant.now().truncatedTo(ChronoUnit.MICROS));
        findings.sendMessageAndAwait(KafkaEvents.message(EventEnvelope.causedBy(envelope, IngestService.SOURCE, validated)));
    }

    /** Built on first use: seconds of snapshot generation that start-up need not wait for. */
    private DeepValidator validator() {
        DeepValidator v = validator;
        if (v == null) {
            synchronized (this) {
                if (validator == null) {
                    DeepValidator built = new DeepValidator();
                    // HAPI loads the core definitions on first use; do that once, before any other thread may
                    built.validate("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
                    validator = built;
                }
                v = validator;
            }
        }
        return v;
    }
}
