package no.knutepunkt.consent.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.Decision;
import no.knutepunkt.consent.GrantVersion;
import no.knutepunkt.consent.PatientRestriction;
import no.knutepunkt.consent.repository.DecisionRepository;
import no.knutepunkt.consent.repository.GrantVersionRepository;
import no.knutepunkt.consent.repository.PartnerProfileRepository;
import no.knutepunkt.consent.repository.RestrictionRepository;
import no.knutepunkt.consent.service.ConsentDecider.Question;
import no.knutepunkt.consent.service.ConsentDecider.Verdict;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.ReadRequested;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** Decides received messages, answers what-if questions, and explains past decisions, all from the history. */
@ApplicationScoped
public class DecisionService {

    private final GrantVersionRepository grants;
    private final PartnerProfileRepository profiles;
    private final RestrictionRepository restrictions;
    private final DecisionRepository decisions;
    private final PatientKeys patients;

    public DecisionService(GrantVersionRepository grants, RestrictionRepository restrictions,
            DecisionRepository decisions, PartnerProfileRepository profiles, PatientKeys patients) {
        this.grants = grants;
        this.profiles = profiles;
        this.restrictions = restrictions;
        this.decisions = decisions;
        this.patients = patients;
    }

    /** The decision on a received message, as the register stood when it was received. */
    public Uni<EventData> decide(MessageReceived message) {
        Question q = ConsentDecider.questionOf(message);
        return Panache.withSession(() -> grants.asOf(q.orgnr(), q.vkpId(), q.at())
                .chain(found -> restrictionsFor(q).map(r -> ConsentDecider.decide(message, found, r))));
    }

    /**
     * The decision on a read, as the register and the partner profile stood when it was asked; a read whose asker has
     * stopped waiting is shed without a look at the register.
     */
    public Uni<EventData> decide(ReadRequested read) {
        Instant now = Instant.now();
        if (!now.isBefore(read.answerBy())) {
            return Uni.createFrom().item(ReadFailed.expired(read.readId(), read.orgnr(), read.sender(),
                    "consent", now.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        }
        Question q = ConsentDecider.questionOf(read);
        return Panache.withSession(() -> grants.asOf(q.orgnr(), q.vkpId(), q.at())
                .chain(found -> restrictionsFor(q).chain(r -> profiles.asOf(q.orgnr(), q.at())
                        .map(p -> ConsentDecider.decide(read, found, r, p == null ? null : p.serviceCodeMap(),
                                p == null ? 0 : p.version)))));
    }

    /**
     * A what-if. The patient is optional; when given, as a national id, it is hashed at once and never kept.
     *
     * @param at the time to judge at; now when null
     */
    public record Evaluation(String vkpId, String resource, String access, List<String> serviceCodes,
            String nationalId, Instant at) {
    }

    /** The verdict, and the grant version it rests on, as they stood at {@code at}. */
    public record Evaluated(Instant at, Verdict verdict, GrantVersion grant) {
    }

    public Uni<Evaluated> evaluate(String orgnr, Evaluation e) {
        if (e == null || blank(e.vkpId()) || blank(e.resource())) {
            throw RegisterService.invalid("evaluate-request", "evaluate needs vkpId and resource");
        }
        String access = blank(e.access()) ? "write" : e.access().toLowerCase(Locale.ROOT);
        if (!List.of("read", "write").contains(access)) {
            throw RegisterService.invalid("evaluate-access", "access is read or write");
        }
        String patientKey = blank(e.nationalId()) ? null : patients.of(e.nationalId(), "evaluate-patient");
        Instant at = (e.at() == null ? Instant.now() : e.at()).truncatedTo(ChronoUnit.MICROS);
        List<String> codes = e.serviceCodes() == null ? List.of()
                : e.serviceCodes().stream().map(c -> c.trim().toUpperCase(Locale.ROOT)).toList();
        Question q = new Question(orgnr, e.vkpId(), e.resource().toLowerCase(Locale.ROOT), access, codes, patientKey,
                at);
        return Panache.withSession(() -> grants.asOf(orgnr, e.vkpId(), at)
                .chain(found -> restrictionsFor(q).map(r -> ConsentDecider.judge(q, found, r)))
                .chain(verdict -> grantOf(verdict).map(g -> new Evaluated(at, verdict, g))));
    }

    /** A past decision, with the grant version and restriction it named. */
    public record Explained(Decision decision, GrantVersion grant, PatientRestriction restriction) {
    }

    public Uni<Explained> explain(String orgnr, String messageId) {
        return Panache.withSession(() -> decisions.findById(messageId).chain(d -> {
            if (d == null || !orgnr.equals(d.orgnr)) {
                throw RegisterService.unknown("decision", messageId, orgnr);
            }
            Uni<GrantVersion> grant = d.grantId == null || d.grantVersion == null ? Uni.createFrom().nullItem()
                    : grants.version(d.grantId, d.grantVersion);
            Uni<PatientRestriction> restriction = d.restrictionId == null ? Uni.createFrom().nullItem()
                    : restrictions.findById(d.restrictionId);
            return grant.chain(g -> restriction.map(r -> new Explained(d, g, r)));
        }));
    }

    public Uni<List<Decision>> latest(String orgnr, String vkpId, int limit) {
        return Panache.withSession(() -> decisions.latest(orgnr, vkpId, Math.max(1, Math.min(limit, 1000))));
    }

    private Uni<List<PatientRestriction>> restrictionsFor(Question q) {
        return q.patientKey() == null ? Uni.createFrom().item(List.of())
                : restrictions.inForce(q.orgnr(), q.patientKey(), q.at());
    }

    private Uni<GrantVersion> grantOf(Verdict v) {
        return v.grantId() == null ? Uni.createFrom().nullItem() : grants.version(v.grantId(), v.grantVersion());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
