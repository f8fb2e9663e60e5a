package no.knutepunkt.model.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** Opens {@link TopicReplay}s with the service's own Kafka settings (broker, TLS, SASL), as its channels have them. */
@ApplicationScoped
public class Replays {

    private final Map<String, Object> client;

    public Replays(@Identifier("default-kafka-broker") Map<String, Object> client) {
        this.client = client;
    }

    public TopicReplay open(List<String> topics) {
        return new TopicReplay(client, topics);
    }
}
