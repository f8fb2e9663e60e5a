package no.knutepunkt.audit.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.PatientPayloadsErased;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.kafka.KafkaEvents;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Crypto-shredding: a municipality has a patient's payloads made unreadable, on the log and everywhere else, by
 * erasing the keys that sealed them. The erasure is written to the log first, so that no payload is ever erased
 * without a record of who asked and why; then the keys are erased (again, harmlessly, if the request is repeated).
 */
@ApplicationScoped
public class Erasures {

    public static final String SOURCE = "knutepunkt/audit-service";

    private final PatientKeys patients;
    private final PayloadVault vault;
    private final MutinyEmitter<String> retention;

    public Erasures(PatientKeys patients, PayloadVault vault, @Channel("retention") MutinyEmitter<String> retention) {
        this.patients = patients;
        this.vault = vault;
        this.retention = retention;
    }

    /** @param patient a fødselsnummer or D-nummer; @param reason why, e.g. the case number of the request */
    public record Request(String patient, String reason) {
    }

    /** @param keysErased how many keys were erased now: 0 when the payloads were already unreadable */
    public record Erased(String erasureId, int keysErased, Instant erasedAt) {
    }

    public Uni<Erased> erase(String orgnr, Request request, String erasedBy) {
        if (request == null || request.reason() == null || request.reason().isBlank()) {
            throw new Rejection(400, Outcomes.error(IssueType.REQUIRED, VkpCode.INVALID, "erasure-reason",
                    "an erasure needs a reason (e.g. the case number of the request), recorded with it"));
        }
        String patientKey = patients.of(request.patient());
        String erasureId = UUID.randomUUID().toString();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        PatientPayloadsErased event = new PatientPayloadsErased(erasureId, orgnr, patientKey, request.reason(),
                erasedBy, at);
        return retention.sendMessage(KafkaEvents.message(EventEnvelope.create(SOURCE, patientKey, erasureId, null,
                        event)))
                .chain(() -> vault.erase(orgnr, patientKey))
                .map(erasure -> new Erased(erasureId, erasure.keysErased(), at));
    }
}
