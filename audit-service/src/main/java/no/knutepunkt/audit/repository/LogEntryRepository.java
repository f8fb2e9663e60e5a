package no.knutepunkt.audit.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.audit.LogEntry;

import java.util.List;

@ApplicationScoped
public class LogEntryRepository implements PanacheRepositoryBase<LogEntry, LogEntry.Position> {

    /** Every event of one message, in the order it happened. */
    public Uni<List<LogEntry>> trail(String messageId) {
        return list("correlationId = ?1 order by time, topic, logOffset", messageId);
    }
}
