package no.knutepunkt.ingest.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.MessageStatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

@ApplicationScoped
public class MessageStatusRepository implements PanacheRepositoryBase<MessageStatus, String> {

    /**
     * One step of a message. Null fields leave what is stored alone, timestamps keep their first value, so applying
     * the same event twice (redelivery, replay) changes nothing.
     */
    public record Step(String messageId, String orgnr, String senderVkpId, String kind, String column, Instant at,
            String reasonCode, String reason, String rule, Integer attempts) {
    }

    private static final java.util.Set<String> STEP_COLUMNS = java.util.Set.of("received_at", "authorized_at",
            "denied_at", "routed_at", "unroutable_at", "delivered_at", "failed_at", "journaled_at");

    /** The deep validation's findings; the first validation of a message stays. */
    public Uni<Integer> recordValidation(String messageId, String orgnr, Instant at, int errors, int warnings,
            String findingsJson) {
        String sql = "insert into message_status (message_id, orgnr, validated_at, validation_errors,"
                + " validation_warnings, validation_findings) values (?1, ?2, ?3, ?4, ?5, ?6)"
                + " on conflict (message_id) do update set"
                + " orgnr = coalesce(message_status.orgnr, excluded.orgnr),"
                + " validation_errors = coalesce(message_status.validation_errors, excluded.validation_errors),"
                + " validation_warnings = coalesce(message_status.validation_warnings, excluded.validation_warnings),"
                + " validation_findings = coalesce(message_status.validation_findings, excluded.validation_findings),"
                + " validated_at = coalesce(message_status.validated_at, excluded.validated_at)";
        return getSession().flatMap(session -> session.createNativeQuery(sql)
                .setParameter(1, messageId)
                .setParameter(2, orgnr)
                .setParameter(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .setParameter(4, errors)
                .setParameter(5, warnings)
                .setParameter(6, findingsJson)
                .executeUpdate());
    }

    /** A failed delivery attempt: the latest attempt's error and planned retry win over earlier ones. */
    public Uni<Integer> recordAttempt(String messageId, String orgnr, int attempt, String error, Instant next) {
        String sql = "insert into message_status (message_id, orgnr, attempts, last_error, next_attempt_at)"
                + " values (?1, ?2, ?3, ?4, ?5) on conflict (message_id) do update set"
                + " orgnr = coalesce(message_status.orgnr, excluded.orgnr),"
                + " last_error = case when coalesce(message_status.attempts, 0) <= excluded.attempts"
                + " then excluded.last_error else message_status.last_error end,"
                + " next_attempt_at = case when coalesce(message_status.attempts, 0) <= excluded.attempts"
                + " then excluded.next_attempt_at else message_status.next_attempt_at end,"
                + " attempts = greatest(message_status.attempts, excluded.attempts)";
        return getSession().flatMap(session -> session.createNativeQuery(sql)
                .setParameter(1, messageId)
                .setParameter(2, orgnr)
                .setParameter(3, attempt)
                .setParameter(4, error)
                .setParameter(5, OffsetDateTime.ofInstant(next, ZoneOffset.UTC))
                .executeUpdate());
    }

    public Uni<Integer> record(Step step) {
        if (!STEP_COLUMNS.contains(step.column())) {
            throw new IllegalArgumentException("not a step: " + step.column());
        }
        String c = step.column();
        String sql = "insert into message_status (message_id, orgnr, sender_vkp_id, kind, " + c
                + ", reason_code, reason, rule, attempts) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                + " on conflict (message_id) do update set"
                + " orgnr = coalesce(message_status.orgnr, excluded.orgnr),"
                + " sender_vkp_id = coalesce(message_status.sender_vkp_id, excluded.sender_vkp_id),"
                + " kind = coalesce(message_status.kind, excluded.kind),"
                + " " + c + " = coalesce(message_status." + c + ", excluded." + c + "),"
                + " reason_code = coalesce(excluded.reason_code, message_status.reason_code),"
                + " reason = coalesce(excluded.reason, message_status.reason),"
                + " rule = coalesce(excluded.rule, message_status.rule),"
                + " attempts = greatest(message_status.attempts, excluded.attempts)";
        return getSession().flatMap(session -> session.createNativeQuery(sql)
                .setParameter(1, step.messageId())
                .setParameter(2, step.orgnr())
                .setParameter(3, step.senderVkpId())
                .setParameter(4, step.kind())
                .setParameter(5, OffsetDateTime.ofInstant(step.at(), ZoneOffset.UTC))
                .setParameter(6, step.reasonCode())
                .setParameter(7, step.reason())
                .setParameter(8, step.rule())
                .setParameter(9, step.attempts())
                .executeUpdate());
    }
}
