package no.knutepunkt.consent.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.GrantVersion;
import no.knutepunkt.consent.PartnerProfileVersion;
import no.knutepunkt.consent.PatientRestriction;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.consent.messaging.ConsentPublisher;
import no.knutepunkt.consent.repository.GrantVersionRepository;
import no.knutepunkt.consent.repository.RestrictionRepository;
import no.knutepunkt.model.event.AccessGranted;
import no.knutepunkt.model.event.PartnerProfileChanged;
import no.knutepunkt.consent.repository.PartnerProfileRepository;
import no.knutepunkt.model.fhir.ServiceCodes;
import no.knutepunkt.model.event.AccessRevoked;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.PatientRestricted;
import no.knutepunkt.model.event.PatientRestrictionLifted;
import no.knutepunkt.model.fhir.ServiceCodes;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Changes to the register are events first; the projection follows from the topic. A change is answered once the
 * projection holds it (within {@code consent.apply-wait}), so that what the API said has been done is in force for the
 * next message.
 */
@ApplicationScoped
public class RegisterService {

    /** The CloudEvents source of every event consent-service writes. */
    public static final String SOURCE = "knutepunkt/consent-service";

    private static final String VKP_SCOPE = "nhn:vkp/api/user/[a-z*]+\\.(read|write|\\*)";

    private final ConsentPublisher publisher;
    private final PartnerProfileRepository profiles;
    private final GrantVersionRepository grants;
    private final RestrictionRepository restrictions;
    private final PatientKeys patients;
    private final ConsentConfig config;

    public RegisterService(ConsentPublisher publisher, GrantVersionRepository grants,
            RestrictionRepository restrictions, PartnerProfileRepository profiles, PatientKeys patients,
            ConsentConfig config) {
        this.publisher = publisher;
        this.grants = grants;
        this.profiles = profiles;
        this.restrictions = restrictions;
        this.patients = patients;
        this.config = config;
    }

    /** The terms of a grant, as a municipality writes them when it creates or amends one. */
    public record Terms(String vkpId, String vendor, String system, List<String> scopes, List<String> serviceCodes,
            Instant validFrom, Instant validTo, String legalBasis) {
    }

    /** What a change through the API returns: the event, and whether the projection held it when answered. */
    public record Change<E extends EventData>(E event, boolean inForce) {
    }

    public Uni<Change<AccessGranted>> grant(String orgnr, Terms terms, String changedBy) {
        Terms t = checked(terms);
        Instant now = now();
        String grantId = UUID.randomUUID().toString();
        return publish(orgnr, grantId, granted(grantId, 1, orgnr, t, now, changedBy),
                () -> grants.version(grantId, 1));
    }

    /** A new version of the grant with new terms; the sender stays the same, and a revoked grant stays revoked. */
    public Uni<Change<AccessGranted>> amend(String orgnr, String grantId, Terms terms, Integer expectedVersion,
            String changedBy) {
        Terms t = checked(terms);
        return current(orgnr, grantId, expectedVersion).chain(grant -> {
            if (!grant.vkpId.equals(t.vkpId())) {
                throw new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, "grant-sender",
                        "an amendment cannot change the sender; revoke and grant anew"));
            }
            int version = grant.version + 1;
            return publish(orgnr, grantId, granted(grantId, version, orgnr, t, now(), changedBy),
                    () -> grants.version(grantId, version));
        });
    }

    public Uni<Change<AccessRevoked>> revoke(String orgnr, String grantId, String reason, Integer expectedVersion,
            String changedBy) {
        require(reason, 2000, "revoke-reason", "a revocation needs a reason");
        return current(orgnr, grantId, expectedVersion).chain(grant -> {
            int version = grant.version + 1;
            AccessRevoked revoked = new AccessRevoked(grantId, version, orgnr, grant.vkpId, reason, changedBy, now());
            return publish(orgnr, grantId, revoked, () -> grants.version(grantId, version));
        });
    }

    /**
     * A new version of the municipality's partner profile: for each ServiceCode, its EPJ's service code patterns
     * ({@code %} a wildcard). A ServiceCode left out can no longer be read for.
     */
    public Uni<Change<PartnerProfileChanged>> setProfile(String orgnr, Map<String, List<String>> serviceCodes,
            Integer expectedVersion, String changedBy) {
        Map<String, List<String>> mapped = checkedProfile(serviceCodes);
        return Panache.withSession(() -> profiles.current(orgnr)).chain(current -> {
            int at = current == null ? 0 : current.version;
            if (expectedVersion != null && expectedVersion != at) {
                throw new Rejection(412, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "profile-version",
                        "the partner profile of " + orgnr + " is at version " + at + ", not " + expectedVersion));
            }
            PartnerProfileChanged changed = new PartnerProfileChanged(orgnr, at + 1, mapped, changedBy, now());
            return publish(orgnr, orgnr, changed, () -> profiles.version(orgnr, at + 1));
        });
    }

    public Uni<PartnerProfileVersion> profile(String orgnr) {
        return Panache.withSession(() -> profiles.current(orgnr)).onItem().ifNull()
                .failWith(() -> unknown("partner-profile", "", orgnr));
    }

    public Uni<List<PartnerProfileVersion>> profileHistory(String orgnr) {
        return Panache.withSession(() -> profiles.history(orgnr));
    }

    private static Map<String, List<String>> checkedProfile(Map<String, List<String>> serviceCodes) {
        if (serviceCodes == null || serviceCodes.isEmpty()) {
            throw invalid("profile-request", "a partner profile maps at least one ServiceCode to EPJ service codes");
        }
        Map<String, List<String>> mapped = new java.util.TreeMap<>();
        serviceCodes.forEach((code, patterns) -> {
            String c = code == null ? "" : code.trim().toUpperCase(Locale.ROOT);
            if (!ServiceCodes.KNOWN.contains(c)) {
                throw invalid("profile-service-code", "unknown ServiceCode " + code + "; known: "
                        + String.join(", ", ServiceCodes.ORDER));
            }
            List<String> clean = patterns == null ? List.of() : patterns.stream().filter(p -> p != null
                    && !p.isBlank()).map(String::trim).distinct().toList();
            if (clean.isEmpty() || clean.size() > 50 || clean.stream().anyMatch(p -> p.length() > 100)) {
                throw invalid("profile-patterns", "ServiceCode " + c + " needs 1 to 50 EPJ service codes of at "
                        + "most 100 characters each (% is a wildcard)");
            }
            mapped.put(c, clean);
        });
        return mapped;
    }

    public Uni<List<GrantVersion>> history(String orgnr, String grantId) {
        return Panache.withSession(() -> grants.history(grantId)).map(versions -> {
            if (versions.isEmpty() || !versions.get(0).orgnr.equals(orgnr)) {
                throw unknown("grant", grantId, orgnr);
            }
            return versions;
        });
    }

    public Uni<GrantVersion> read(String orgnr, String grantId) {
        return Panache.withSession(() -> grants.current(grantId)).map(g -> {
            if (g == null || !g.orgnr.equals(orgnr)) {
                throw unknown("grant", grantId, orgnr);
            }
            return g;
        });
    }

    public Uni<List<GrantVersion>> ofMunicipality(String orgnr) {
        return Panache.withSession(() -> grants.currentOfMunicipality(orgnr));
    }

    public Uni<List<GrantVersion>> ofSender(String vkpId) {
        return Panache.withSession(() -> grants.currentOfSender(vkpId));
    }

    public Uni<List<GrantVersion>> all() {
        return Panache.withSession(grants::currentAll);
    }

    /**
     * Blocks the flows of one patient, identified by national id, which is turned into the same keyed hash as
     * ingest's patient key at once and never stored, logged or returned.
     */
    public Uni<Change<PatientRestricted>> restrict(String orgnr, String nationalId, String vkpId, String reason,
            String changedBy) {
        String patientKey = patients.of(nationalId, "restriction-patient");
        require(reason, 2000, "restriction-reason", "a restriction needs a reason");
        String restrictionId = UUID.randomUUID().toString();
        PatientRestricted restricted = new PatientRestricted(restrictionId, orgnr, patientKey,
                blank(vkpId) ? null : vkpId, reason, changedBy, now());
        return publish(orgnr, restrictionId, restricted, () -> restrictions.findById(restrictionId));
    }

    public Uni<Change<PatientRestrictionLifted>> lift(String orgnr, String restrictionId, String reason,
            String changedBy) {
        require(reason, 2000, "lift-reason", "lifting a restriction needs a reason");
        return Panache.withSession(() -> restrictions.findById(restrictionId)).chain(r -> {
            if (r == null || !r.orgnr.equals(orgnr)) {
                throw unknown("restriction", restrictionId, orgnr);
            }
            if (r.liftedAt != null) {
                throw conflict("restriction-lifted", "restriction " + restrictionId + " is already lifted");
            }
            PatientRestrictionLifted lifted = new PatientRestrictionLifted(restrictionId, orgnr, reason, changedBy,
                    now());
            return publish(orgnr, restrictionId, lifted, () -> restrictions.findById(restrictionId)
                    .map(found -> found != null && found.liftedAt != null ? found : null));
        });
    }

    public Uni<List<PatientRestriction>> restrictionsOf(String orgnr) {
        return Panache.withSession(() -> restrictions.ofMunicipality(orgnr));
    }

    private Uni<GrantVersion> current(String orgnr, String grantId, Integer expectedVersion) {
        return read(orgnr, grantId).map(grant -> {
            if (grant.revokedAt != null) {
                throw conflict("grant-revoked", "grant " + grantId + " is revoked; grant anew instead");
            }
            if (expectedVersion != null && expectedVersion != grant.version) {
                throw new Rejection(412, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, "grant-version",
                        "grant " + grantId + " is at version " + grant.version + ", not " + expectedVersion));
            }
            return grant;
        });
    }

    /** Publishes, then waits (bounded) until the projection holds the change. */
    private <E extends EventData, T> Uni<Change<E>> publish(String orgnr, String id, E event,
            Supplier<Uni<T>> applied) {
        return publisher.registerChanged(EventEnvelope.create(SOURCE, orgnr, id, null, event))
                .chain(() -> Panache.withSession(applied)
                        .onItem().ifNull().failWith(NotYetApplied::new)
                        .onFailure().retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .expireIn(config.applyWait().toMillis())
                        .map(found -> new Change<>(event, true))
                        // published is done; the answer only says it is not in force yet
                        .onFailure().recoverWithItem(() -> new Change<>(event, false)));
    }

    private static final class NotYetApplied extends RuntimeException {
        NotYetApplied() {
            super(null, null, false, false);
        }
    }

    private static AccessGranted granted(String grantId, int version, String orgnr, Terms t, Instant now, String by) {
        return new AccessGranted(grantId, version, orgnr, t.vkpId(), t.vendor(), t.system(), t.scopes(),
                t.serviceCodes(), t.validFrom() == null ? now : t.validFrom(), t.validTo(), t.legalBasis(), by, now);
    }

    /** The terms, checked and normalised (ServiceCodes in upper case, no duplicates). */
    private static Terms checked(Terms t) {
        if (t == null) {
            throw invalid("grant-request", "a grant needs vkpId, scopes and legalBasis");
        }
        require(t.vkpId(), 200, "grant-sender", "a grant needs the sender's vkpId");
        require(t.legalBasis(), 2000, "grant-legal-basis", "a grant needs its legal basis");
        if (t.scopes() == null || t.scopes().isEmpty()) {
            throw invalid("grant-scopes", "a grant needs at least one scope");
        }
        for (String scope : t.scopes()) {
            if (scope == null || !scope.matches(VKP_SCOPE)) {
                throw invalid("grant-scopes", "not a VKP resource scope: " + scope
                        + " (expected nhn:vkp/api/user/{resource}.{read|write|*})");
            }
        }
        List<String> codes = t.serviceCodes() == null ? List.of()
                : t.serviceCodes().stream().map(c -> c == null ? "" : c.trim().toUpperCase(Locale.ROOT)).distinct()
                        .toList();
        for (String code : codes) {
            if (!ServiceCodes.KNOWN.contains(code)) {
                throw invalid("grant-service-codes", "unknown ServiceCode " + code + "; known: RT, TA, GPS, MD, DT, DHO");
            }
        }
        if (t.validFrom() != null && t.validTo() != null && !t.validTo().isAfter(t.validFrom())) {
            throw invalid("grant-validity", "validTo must be after validFrom");
        }
        return new Terms(t.vkpId().trim(), t.vendor(), t.system(), t.scopes().stream().distinct().toList(), codes,
                truncate(t.validFrom()), truncate(t.validTo()), t.legalBasis());
    }

    private static void require(String value, int max, String rule, String text) {
        if (blank(value)) {
            throw invalid(rule, text);
        }
        if (value.length() > max) {
            throw invalid(rule, "at most " + max + " characters");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static Instant truncate(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public static Rejection invalid(String rule, String text) {
        return new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID, rule, text));
    }

    private static Rejection conflict(String rule, String text) {
        return new Rejection(409, Outcomes.error(IssueType.CONFLICT, VkpCode.INVALID, rule, text));
    }

    static Rejection unknown(String what, String id, String orgnr) {
        return new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID, what + "-unknown",
                "no " + what + " " + id + " at municipality " + orgnr));
    }
}
