package no.knutepunkt.ingest.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.SearchQuery;
import no.knutepunkt.ingest.messaging.DecisionWatch;
import no.knutepunkt.ingest.messaging.ReceivedPublisher;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.ReadAnswered;
import no.knutepunkt.model.event.ReadDenied;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.ReadRequested;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.kafka.LogFields;
import no.knutepunkt.model.rest.OutcomeMappers;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * A vendor's read of the EPJ: written as {@link ReadRequested}, decided by consent, routed, performed by delivery's
 * EPJ gateway, and answered here when its end is heard, all within the read deadline. Nothing here asks the EPJ.
 */
@ApplicationScoped
public class Reads {

    private static final Logger LOG = Logger.getLogger(Reads.class);

    private final ReceivedPublisher publisher;
    private final DecisionWatch watch;
    private final PayloadVault vault;
    private final PatientPseudonym pseudonym;
    private final IngestConfig config;

    public Reads(ReceivedPublisher publisher, DecisionWatch watch, PayloadVault vault, IngestConfig config) {
        this.publisher = publisher;
        this.watch = watch;
        this.vault = vault;
        this.pseudonym = new PatientPseudonym(config.pseudonymSecret());
        this.config = config;
    }

    public Uni<Response> read(String orgnr, Sender sender, String resource, List<String> serviceCodes,
            SearchQuery query) {
        String readId = UUID.randomUUID().toString();
        String patientKey = query.namesPatient() ? pseudonym.of(query.patientSystem(), query.patientValue()) : null;
        Duration deadline = config.readDeadline();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        LogFields.follow(readId);
        // the search names a national id only inside the sealed query
        Uni<String> sealedQuery = patientKey == null ? Uni.createFrom().item(query.form())
                : vault.seal(orgnr, patientKey, readId, query.form());
        return sealedQuery
                .onFailure().transform(e -> Rejection.retryLater(503, 5, Outcomes.error(IssueType.TRANSIENT,
                        VkpCode.OTHER, "payload-vault", "the read could not be sealed for the log; try again")))
                .chain(q -> {
                    ReadRequested requested = new ReadRequested(readId, orgnr, sender, resource, serviceCodes,
                            patientKey, q, now, now.plus(deadline));
                    watch.expect(readId);
                    return publisher.publishRead(EventEnvelope.create(IngestService.SOURCE, patientKey == null ? readId
                            : patientKey, readId, null, requested))
                            .onFailure().transform(e -> {
                                watch.forget(readId);
                                return Rejection.retryLater(503, 5, Outcomes.error(IssueType.TRANSIENT,
                                        VkpCode.OTHER, "log-write", "the read could not be logged, so it was not "
                                                + "made; try again"));
                            });
                })
                .chain(() -> watch.decision(readId, deadline))
                .chain(end -> answer(orgnr, readId, patientKey, deadline, end == null ? null : end.payload()));
    }

    private Uni<Response> answer(String orgnr, String readId, String patientKey, Duration deadline, EventData end) {
        if (end instanceof ReadAnswered answered) {
            Uni<String> opened = vault.open(readId, answered.result());
            if (patientKey == null) {
                // the list's result is sealed under the read's own key: once answered, nobody can open it again
                opened = opened.call(() -> vault.erase(orgnr, VkpReads.readKey(readId), false).onFailure()
                        .invoke(e -> LOG.warnf("read %s: its result key could not be erased yet: %s", readId,
                                e.getClass().getSimpleName()))
                        .onFailure().recoverWithNull());
            }
            return opened.map(bundle -> Response.ok(bundle, OutcomeMappers.FHIR_JSON).header("X-Read-Id", readId)
                    .build());
        }
        if (end instanceof ReadDenied denied) {
            VkpCode code = VkpCode.ofCode(denied.vkpCode());
            throw new Rejection(code.httpStatus(), Outcomes.error(IssueType.FORBIDDEN, code, denied.ruleForSender(),
                    denied.reason()));
        }
        if (end instanceof ReadFailed failed) {
            VkpCode code = VkpCode.ofCode(failed.vkpCode());
            IssueType type = failed.status() == 504 ? IssueType.TIMEOUT : failed.status() == 403 ? IssueType.FORBIDDEN
                    : failed.status() >= 500 ? IssueType.TRANSIENT : IssueType.NOTSUPPORTED;
            var outcome = Outcomes.error(type, code, failed.rule(), failed.reason());
            throw failed.retryAfterSeconds() == null ? new Rejection(failed.status(), outcome)
                    : Rejection.retryLater(failed.status(), failed.retryAfterSeconds(), outcome);
        }
        // a late answer is logged by delivery as such, and never sent
        throw new Rejection(504, Outcomes.error(IssueType.TIMEOUT, VkpCode.TIMED_OUT, "read-deadline",
                "the municipality's EPJ did not answer within " + deadline.toSeconds() + " s; try again later"));
    }
}
