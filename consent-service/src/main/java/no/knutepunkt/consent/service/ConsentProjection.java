package no.knutepunkt.consent.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.AccessExpiryWarned;
import no.knutepunkt.model.event.AccessGranted;
import no.knutepunkt.model.event.AccessRevoked;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.PartnerProfileChanged;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.PatientRestricted;
import no.knutepunkt.model.event.PatientRestrictionLifted;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Applies consent events to the read model. Every write is keyed by the event's own identity and does nothing when
 * the row is there, so applying an event twice, or replaying the topics over a live projection, gives the same rows.
 */
@ApplicationScoped
public class ConsentProjection {

    /** The tables this projection owns; a rebuild empties them and replays the topics into them. */
    public static final String TABLES = "grant_versions, patient_restrictions, expiry_warnings, decisions, "
            + "partner_profile_versions";

    private static final String GRANT_COLUMNS = "grant_id, version, change, orgnr, vkp_id, vendor, system, scopes, "
            + "service_codes, valid_from, valid_to, legal_basis, revoked_at, revoke_reason, changed_by, changed_at";
    private static final String GRANTED = "INSERT INTO grant_versions (" + GRANT_COLUMNS + ") VALUES "
            + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, $13, $14) ON CONFLICT DO NOTHING";
    // a revocation is the previous version's terms, revoked
    private static final String REVOKED = "INSERT INTO grant_versions (" + GRANT_COLUMNS + ") SELECT grant_id, $2, "
            + "'revoked', orgnr, vkp_id, vendor, system, scopes, service_codes, valid_from, valid_to, legal_basis, $3, "
            + "$4, $5, $3 FROM grant_versions WHERE grant_id = $1 AND version = (SELECT max(version) FROM "
            + "grant_versions WHERE grant_id = $1 AND version < $2) ON CONFLICT DO NOTHING";
    private static final String WARNED = "INSERT INTO expiry_warnings (grant_id, version, warned_at) "
            + "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
    private static final String RESTRICTED = "INSERT INTO patient_restrictions (restriction_id, orgnr, patient_key, "
            + "vkp_id, reason, restricted_by, restricted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
    private static final String LIFTED = "UPDATE patient_restrictions SET lift_reason = $2, lifted_by = $3, "
            + "lifted_at = $4 WHERE restriction_id = $1 AND lifted_at IS NULL";
    private static final String DECIDED = "INSERT INTO decisions (message_id, orgnr, vkp_id, allowed, vkp_code, rule, "
            + "reason, grant_id, grant_version, restriction_id, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            + "$10, $11) ON CONFLICT DO NOTHING";

    private static final String PROFILED = "INSERT INTO partner_profile_versions (orgnr, version, service_codes, "
            + "changed_by, changed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

    public Uni<Void> apply(SqlClient db, EventData event) {
        if (event instanceof PartnerProfileChanged e) {
            return write(db, PROFILED, e.orgnr(), e.version(), EventCodec.mapper().valueToTree(e.serviceCodes()).toString(),
                    e.changedBy(), time(e.changedAt()));
        }
        if (event instanceof AccessGranted e) {
            return write(db, GRANTED, e.grantId(), e.version(), e.version() == 1 ? "granted" : "amended", e.orgnr(),
                    e.vkpId(), e.vendor(), e.system(), String.join(" ", e.scopes()),
                    e.serviceCodes() == null ? "" : String.join(" ", e.serviceCodes()), time(e.validFrom()),
                    time(e.validTo()), e.legalBasis(), e.grantedBy(), time(e.grantedAt()));
        }
        if (event instanceof AccessRevoked e) {
            return write(db, REVOKED, e.grantId(), e.version(), time(e.revokedAt()), e.reason(), e.revokedBy());
        }
        if (event instanceof AccessExpiryWarned e) {
            return write(db, WARNED, e.grantId(), e.version(), time(e.warnedAt()));
        }
        if (event instanceof PatientRestricted e) {
            return write(db, RESTRICTED, e.restrictionId(), e.orgnr(), e.patientKey(), e.vkpId(), e.reason(),
                    e.restrictedBy(), time(e.restrictedAt()));
        }
        if (event instanceof PatientRestrictionLifted e) {
            return write(db, LIFTED, e.restrictionId(), e.reason(), e.liftedBy(), time(e.liftedAt()));
        }
        if (event instanceof MessageAuthorized e) {
            return write(db, DECIDED, e.messageId(), e.orgnr(), e.sender().vkpId(), true, null, e.rule(), null,
                    e.grantId(), e.grantVersion(), null, time(e.decidedAt()));
        }
        if (event instanceof MessageDenied e) {
            return write(db, DECIDED, e.messageId(), e.orgnr(), e.sender() == null ? null : e.sender().vkpId(), false,
                    e.vkpCode(), e.rule(), e.reason(), e.grantId(), e.grantVersion(), e.restrictionId(),
                    time(e.decidedAt()));
        }
        return Uni.createFrom().voidItem();
    }

    private static Uni<Void> write(SqlClient db, String sql, Object... values) {
        return db.preparedQuery(sql).execute(Tuple.tuple(Arrays.asList(values))).replaceWithVoid();
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
