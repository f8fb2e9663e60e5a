package no.knutepunkt.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.SearchQuery;
import no.knutepunkt.ingest.messaging.DecisionWatch;
import no.knutepunkt.ingest.messaging.ReceivedPublisher;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.ReadAnswered;
import no.knutepunkt.model.event.ReadDenied;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.ReadRefused;
import no.knutepunkt.model.event.ReadRequested;
import no.knutepunkt.model.event.Sender;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.ServiceCodes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.kafka.LogFields;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.OutcomeMappers;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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

    /**
     * @param base the municipality's VKP base as the vendor called it ({@code https://…/epj/r4/{orgnr}/}): the
     *             answer's paging links are made absolute against it
     */
    public Uni<Response> read(String orgnr, Sender sender, String resource, List<String> serviceCodes,
            SearchQuery query, String base) {
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
                .chain(end -> answer(orgnr, readId, patientKey, deadline, end == null ? null : end.payload(), base));
    }

    /** The answer with its links (delivery's, relative to the municipality's base) absolute, as FHIR has them. */
    static String linked(String bundle, String base) {
        if (!bundle.contains("\"link\"")) {
            return bundle;
        }
        try {
            JsonNode tree = EventCodec.mapper().readTree(bundle);
            for (JsonNode link : tree.path("link")) {
                String url = link.path("url").asText("");
                if (link instanceof ObjectNode o && !url.contains("://")) {
                    o.put("url", base + url);
                }
            }
            return EventCodec.mapper().writeValueAsString(tree);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a read's answer is not JSON", e);
        }
    }

    /**
     * A read refused at the door is on the log too ({@link ReadRefused}), so that the municipality's access log has
     * every attempt; the vendor hears the refusal whether or not the log could be written.
     */
    public Uni<Response> refused(String orgnr, ApiCaller caller, String resource, List<String> serviceCodes,
            Map<String, List<String>> parameters, Rejection refusal) {
        String readId = UUID.randomUUID().toString();
        String[] patient = SearchQuery.patientNamed(parameters);
        String patientKey = patient == null ? null : pseudonym.of(patient[0], patient[1]);
        var issue = refusal.outcome().getIssueFirstRep();
        var rule = issue.getExtensionByUrl(Outcomes.RULE_EXTENSION);
        ReadRefused refused = new ReadRefused(readId, orgnr, new Sender(caller.vkpId(), caller.clientId()), resource,
                ServiceCodes.known(serviceCodes), patientKey, refusal.status(), issue.getDetails().getCodingFirstRep()
                        .getCode(), rule == null ? null : rule.getValue().primitiveValue(),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        return publisher.publishRead(EventEnvelope.create(IngestService.SOURCE, patientKey == null ? readId
                : patientKey, readId, null, refused))
                .onFailure().invoke(e -> LOG.warnf("read %s: its refusal could not be logged: %s", readId,
                        e.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .onItem().transformToUni(v -> Uni.createFrom().<Response>failure(refusal));
    }

    private Uni<Response> answer(String orgnr, String readId, String patientKey, Duration deadline, EventData end,
            String base) {
        if (end instanceof ReadAnswered answered) {
            Uni<String> opened = vault.open(readId, answered.result());
            if (patientKey == null) {
                // the list's result is sealed under the read's own key: once answered, nobody can open it again
                opened = opened.call(() -> vault.erase(orgnr, VkpReads.readKey(readId), false).onFailure()
                        .invoke(e -> LOG.warnf("read %s: its result key could not be erased yet: %s", readId,
                                e.getClass().getSimpleName()))
                        .onFailure().recoverWithNull());
            }
            return opened.map(bundle -> Response.ok(linked(bundle, base), OutcomeMappers.FHIR_JSON)
                    .header("X-Read-Id", readId).build());
        }
        if (end instanceof ReadDenied denied) {
            VkpCode code = VkpCode.ofCode(denied.vkpCode());
            throw new Rejection(code.httpStatus(), Outcomes.error(IssueType.FORBIDDEN, code, denied.ruleForSender(),
                    denied.reason()));
        }
        if (end instanceof ReadFailed failed) {
            VkpCode code = VkpCode.ofCode(failed.vkpCode());
            IssueType type = failed.status() == 504 ? IssueType.TIMEOUT : failed.status() == 403 ? IssueType.FORBIDDEN
                    : failed.status() >= 500 ? IssueType.TRANSIENT : failed.status() == 400 ? IssueType.INVALID
                    : IssueType.NOTSUPPORTED;
            var outcome = Outcomes.error(type, code, failed.rule(), failed.reason());
            throw failed.retryAfterSeconds() == null ? new Rejection(failed.status(), outcome)
                    : Rejection.retryLater(failed.status(), failed.retryAfterSeconds(), outcome);
        }
        // a late answer is logged by delivery as such, and never sent
        throw new Rejection(504, Outcomes.error(IssueType.TIMEOUT, VkpCode.TIMED_OUT, "read-deadline",
                "the municipality's EPJ did not answer within " + deadline.toSeconds() + " s; try again later"));
    }
}
