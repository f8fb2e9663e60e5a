package no.knutepunkt.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * What the broker alone can do on this machine: the same payloads, at the same rate, through four hops of consume
 * and produce (acks=all, as the services write), each hop a thread of its own, on fresh topics of the same broker.
 * The time from the first send to the last hop's receipt is the floor under the hub's end-to-end latency.
 */
final class KafkaBaseline {

    record Result(int offered, int relayed, double rate, long[] latencies) {
    }

    private static final int HOPS = 4;

    private KafkaBaseline() {
    }

    static Result run(String bootstrap, List<String> payloads, int rate, int seconds) throws Exception {
        String run = "knutepunkt.bench.baseline." + UUID.randomUUID().toString().substring(0, 8) + ".";
        List<String> topics = IntStream.rangeClosed(0, HOPS).mapToObj(i -> run + i).toList();
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, 6, (short) 1)).toList()).all().get();
        }
        int total = rate * seconds;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> relays = new ArrayList<>();
        for (int hop = 0; hop < HOPS; hop++) {
            String from = topics.get(hop);
            String to = topics.get(hop + 1);
            Thread t = new Thread(() -> relay(bootstrap, from, to, stop), "baseline-hop-" + hop);
            t.start();
            relays.add(t);
        }
        long[] latencies = new long[total];
        int[] received = {0};
        long[] lastAt = {0};
        Thread sink = new Thread(() -> {
            try (KafkaConsumer<String, String> c = consumer(bootstrap, topics.get(HOPS))) {
                while (!stop.get() && received[0] < total) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                        long sent = ByteBuffer.wrap(r.headers().lastHeader("sent").value()).getLong();
                        lastAt[0] = System.nanoTime();
                        latencies[received[0]++] = lastAt[0] - sent;
                    }
                }
            }
        }, "baseline-sink");
        sink.start();
        Thread.sleep(3000); // let the consumers join their partitions before the clock starts
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < total; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ProducerRecord<String, String> record = new ProducerRecord<>(topics.get(0),
                        Integer.toString(i % 1000), payloads.get(i % payloads.size()));
                record.headers().add("sent", ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                producer.send(record);
            }
        }
        sink.join(Duration.ofSeconds(Math.max(120, seconds)).toMillis());
        stop.set(true);
        for (Thread t : relays) {
            t.join(10_000);
        }
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(topics).all().get();
        }
        long[] sorted = java.util.Arrays.copyOf(latencies, received[0]);
        java.util.Arrays.sort(sorted);
        double elapsed = (lastAt[0] - start) / 1e9;
        return new Result(total, received[0], elapsed <= 0 ? 0 : received[0] / elapsed, sorted);
    }

    private static void relay(String bootstrap, String from, String to, AtomicBoolean stop) {
        try (KafkaConsumer<String, String> c = consumer(bootstrap, from);
                KafkaProducer<String, String> p = producer(bootstrap)) {
            while (!stop.get()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    ProducerRecord<String, String> next = new ProducerRecord<>(to, r.key(), r.value());
                    r.headers().forEach(h -> next.headers().add(h));
                    p.send(next);
                }
                c.commitAsync();
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "baseline-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
