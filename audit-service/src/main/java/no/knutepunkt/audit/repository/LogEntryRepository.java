package no.knutepunkt.audit.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.LogEntry;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class LogEntryRepository implements PanacheRepositoryBase<LogEntry, LogEntry.Position> {

    /**
     * What a municipality's register of processing needs: each message received, denied, delivered or journaled, and
     * each read's end (answered, denied, failed, refused at the door), in a time range, optionally for one patient
     * (by pseudonymous key).
     */
    public Uni<List<LogEntry>> disclosures(String orgnr, String patientKey, Instant from, Instant to, int limit) {
        String types = "type in ('no.knutepunkt.message.received.v1', 'no.knutepunkt.consent.denied.v1', "
                + "'no.knutepunkt.delivery.delivered.v1', 'no.knutepunkt.delivery.journaled.v1', "
                + "'no.knutepunkt.read.answered.v1', 'no.knutepunkt.read.denied.v1', 'no.knutepunkt.read.failed.v1', "
                + "'no.knutepunkt.read.refused.v1')";
        // a read's events name its patient as subject; a list read, the patients it disclosed
        return (patientKey == null
                ? find("orgnr = ?1 and time >= ?2 and time < ?3 and " + types + " order by time", orgnr, from, to)
                : find("orgnr = ?1 and time >= ?2 and time < ?3 and (subject = ?4 or patients like ?5) and " + types
                        + " order by time", orgnr, from, to, patientKey, "% " + patientKey + " %"))
                .page(io.quarkus.panache.common.Page.ofSize(limit)).list();
    }

    /** The requests of the reads named: who asked for what, for which ServiceCodes. */
    public Uni<List<LogEntry>> readRequests(List<String> readIds) {
        return readIds.isEmpty() ? Uni.createFrom().item(List.of())
                : list("correlationId in ?1 and type = 'no.knutepunkt.read.requested.v1'", readIds);
    }

    /** Every event of one message, in the order it happened. */
    public Uni<List<LogEntry>> trail(String messageId) {
        return list("correlationId = ?1 order by time, topic, logOffset", messageId);
    }
}
