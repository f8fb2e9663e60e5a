package no.knutepunkt.audit.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/** The topics the audit reads: the same list the live consumer is configured with. */
@ApplicationScoped
public class AuditedTopics {

    private final List<String> names;

    public AuditedTopics(@ConfigProperty(name = "mp.messaging.incoming.log.topics") List<String> names) {
        this.names = List.copyOf(names);
    }

    public List<String> names() {
        return names;
    }
}
