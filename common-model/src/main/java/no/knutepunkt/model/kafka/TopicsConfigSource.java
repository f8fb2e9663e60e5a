package no.knutepunkt.model.kafka;

import io.smallrye.config.common.MapBackedConfigSource;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes the topic names of {@link Topics} available to every service's configuration as
 * {@code knutepunkt.topic.*}, so that channel settings refer to them instead of repeating them. Lowest ordinal:
 * environment variables and properties files still win.
 */
public class TopicsConfigSource extends MapBackedConfigSource {

    private static final Map<String, String> PROPERTIES = properties();

    private static Map<String, String> properties() {
        Map<String, String> p = new HashMap<>(Map.of(
                "knutepunkt.topic.messages-received", Topics.MESSAGES_RECEIVED,
                "knutepunkt.topic.consent-decisions", Topics.CONSENT_DECISIONS,
                "knutepunkt.topic.routing-decisions", Topics.ROUTING_DECISIONS,
                "knutepunkt.topic.delivery-outcomes", Topics.DELIVERY_OUTCOMES,
                "knutepunkt.topic.validation-findings", Topics.VALIDATION_FINDINGS,
                "knutepunkt.topic.consent-grants", Topics.CONSENT_GRANTS,
                "knutepunkt.topic.routing-register", Topics.ROUTING_REGISTER,
                "knutepunkt.topic.delivery-control", Topics.DELIVERY_CONTROL,
                "knutepunkt.topic.retention", Topics.RETENTION));
        p.putAll(Map.of(
                "knutepunkt.topic.reads-requested", Topics.READS_REQUESTED,
                "knutepunkt.topic.read-decisions", Topics.READ_DECISIONS,
                "knutepunkt.topic.reads-routed", Topics.READS_ROUTED,
                "knutepunkt.topic.read-outcomes", Topics.READ_OUTCOMES));
        Topics.SERVICES.forEach(s -> p.put("knutepunkt.topic.dead-letters." + s, Topics.deadLetters(s)));
        return Map.copyOf(p);
    }

    public TopicsConfigSource() {
        super("knutepunkt-topics", PROPERTIES, 50);
    }
}
