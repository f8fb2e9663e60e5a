package no.knutepunkt.cli;

import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** Writes and reads events on the real broker, the way an auditor or a test looks at the log. */
public final class TopicProbe {

    private final String bootstrap;

    public TopicProbe(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    public void publish(String topic, EventEnvelope envelope) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, envelope.subject(), EventCodec.encode(envelope))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The first record on {@code topic} whose envelope matches, waiting up to {@code timeout}; null if none. */
    public ConsumerRecord<String, String> await(String topic, Predicate<EventEnvelope> match, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(EventCodec.decode(r.value()))) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    /** Every record now on the given topics, from the beginning. */
    public List<ConsumerRecord<String, String>> readAll(List<String> topics, Duration quiet) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(topics);
            Instant last = Instant.now();
            while (Duration.between(last, Instant.now()).compareTo(quiet) < 0) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    all.add(r);
                    last = Instant.now();
                }
            }
        }
        return all;
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "probe-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false"), new StringDeserializer(),
                new StringDeserializer());
    }
}
