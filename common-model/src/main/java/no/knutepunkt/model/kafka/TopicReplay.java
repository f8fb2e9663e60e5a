package no.knutepunkt.model.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads topics from their first event up to where they end at the moment it is made, in batches, in each partition's
 * order; an empty batch is the end. Projections are rebuilt with it. Blocking: use it off the event loop, from one
 * thread at a time.
 */
public final class TopicReplay implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Map<TopicPartition, Long> end;

    public TopicReplay(String bootstrap, List<String> topics) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics);
    }

    /** With the service's own client settings: its broker, and its credentials where the broker wants them. */
    public TopicReplay(Map<String, ?> client, List<String> topics) {
        Properties props = new Properties();
        client.forEach((key, value) -> {
            if (key.equals(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) || key.equals("security.protocol")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                props.put(key, value);
            }
        });
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        end = consumer.endOffsets(partitions);
    }

    /** The next events (their JSON), or an empty list when every partition is read to its end. */
    public List<String> next() {
        return nextRecords().stream().map(ConsumerRecord::value).toList();
    }

    /** The next records, with their place in the log; empty at the end. */
    public List<ConsumerRecord<String, String>> nextRecords() {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        while (batch.isEmpty() && !done()) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    batch.add(r);
                }
            }
        }
        return batch;
    }

    /** Every event up to the end: for small topics (registers). */
    public List<String> all() {
        List<String> all = new ArrayList<>();
        for (List<String> batch = next(); !batch.isEmpty(); batch = next()) {
            all.addAll(batch);
        }
        return all;
    }

    private boolean done() {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
