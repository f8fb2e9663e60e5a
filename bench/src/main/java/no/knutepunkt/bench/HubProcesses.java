package no.knutepunkt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hub's processes as a benchmark sees them from outside: their CPU time (what holds on a noisy machine), the
 * options their JVMs run with, and whether their consumer groups have caught up.
 */
final class HubProcesses {

    private static final String STAND_IN = "epj-standin";
    private static final List<String> PIDS = List.of("ingest-service", "consent-service", "routing-service",
            "delivery-service", "audit-service", STAND_IN);

    private final Path home;
    private final String kafka;

    HubProcesses(Path home, String kafka) {
        this.home = home;
        this.kafka = kafka;
    }

    /** CPU used between two readings, by process. */
    record Cpu(Map<String, Long> ticks) {

        Cpu since(Cpu before) {
            Map<String, Long> used = new TreeMap<>();
            ticks.forEach((p, t) -> used.put(p, t - before.ticks().getOrDefault(p, t)));
            return new Cpu(used);
        }

        /** The hub's processes, the stand-in EPJ (which is not the hub) left out. */
        double millis() {
            return ticks.entrySet().stream().filter(e -> !e.getKey().equals(STAND_IN))
                    .mapToLong(Map.Entry::getValue).sum() * 10.0;
        }

        double millisPer(long operations) {
            return millis() / Math.max(1, operations);
        }

        /** "ingest-service 12.30 ms; … all 40.10 ms" per operation. */
        String perOperation(long operations) {
            StringBuilder s = new StringBuilder();
            ticks.forEach((p, t) -> s.append(String.format("%s %.2f ms; ", p, t * 10.0 / Math.max(1, operations))));
            return s + String.format("hub in all (stand-in not counted) %.2f ms", millisPer(operations));
        }
    }

    /**
     * utime + stime of each part of the hub, in clock ticks (1/100 s): the services and the stand-in by their pid
     * files, the broker and PostgreSQL (the postmaster and every backend) by their command lines. A backend that
     * ended between two readings takes its CPU with it: the figures are a floor for PostgreSQL.
     */
    Cpu cpu() throws Exception {
        Map<String, String> pids = new HashMap<>();
        for (String name : PIDS) {
            Path pid = home.resolve("run/" + name + ".pid");
            if (Files.exists(pid)) {
                pids.put(Files.readString(pid).trim(), name);
            }
        }
        Map<String, Long> ticks = new TreeMap<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String name = pids.getOrDefault(proc.getFileName().toString(),
                            cmdline.contains("kafka.Kafka") ? "kafka" : cmdline.startsWith("postgres")
                                    || cmdline.contains("/bin/postgres") ? "postgresql" : null);
                    if (name != null) {
                        String stat = Files.readString(proc.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // the process ended while it was read
                }
            }
        }
        return new Cpu(ticks);
    }

    /** What the idle hub burns per second (polling consumers, heartbeats, timers), measured over {@code seconds}. */
    String idle(int seconds) throws Exception {
        Cpu before = cpu();
        Thread.sleep(seconds * 1000L);
        return String.format("hub idle (%d s, no requests sent): %.0f ms of CPU per second, all its processes; part of "
                + "every figure per message, more so at low rates", seconds, cpu().since(before).millis() / seconds);
    }

    /**
     * Waits until every consumer group of the hub has read its topics to the end (a warm-up a fresh hub could not
     * keep up with leaves a backlog, which would be measured as the next phase's latency), at most {@code limit}.
     */
    String drained(Duration limit) throws Exception {
        long start = System.nanoTime();
        long lag = -1;
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka))) {
            while (System.nanoTime() - start < limit.toNanos()) {
                lag = 0;
                for (var group : admin.listConsumerGroups().all().get()) {
                    var committed = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata()
                            .get();
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                            new HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec
                            .latest()));
                    var ends = admin.listOffsets(latest).all().get();
                    for (var c : committed.entrySet()) {
                        if (c.getValue() != null) {
                            lag += Math.max(0, ends.get(c.getKey()).offset() - c.getValue().offset());
                        }
                    }
                }
                if (lag == 0) {
                    break;
                }
                Thread.sleep(2000);
            }
        }
        return String.format("backlog after the warm-up: %s after %.0f s", lag == 0 ? "drained"
                : lag + " events still unread", (System.nanoTime() - start) / 1e9);
    }

    /** The options ingest's JVM runs with (every service has the same but its heap), from its command line. */
    String jvmOptions() throws Exception {
        String pid = Files.readString(home.resolve("run/ingest-service.pid")).trim();
        String cmdline = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
        int jar = cmdline.indexOf(" -jar ");
        return "hub JVMs: " + (jar < 0 ? cmdline : cmdline.substring(0, jar).replaceFirst("^\\S*java ", ""));
    }
}
