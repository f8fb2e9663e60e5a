package no.knutepunkt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** Where a figure was measured, and where it is kept: bench/results/DATE-NAME.txt. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException e) {
            // not Linux: leave it out
        }
        long memGiB = 0;
        try {
            memGiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024).orElse(0L);
        } catch (IOException e) {
            // not Linux
        }
        return "machine: " + rt.availableProcessors() + " cores (" + cpu + "), " + memGiB + " GiB, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), max heap "
                + rt.maxMemory() / 1024 / 1024 + " MiB";
    }

    /** Prints the report and keeps it under bench/results. */
    static void report(String name, List<String> lines) throws IOException {
        List<String> all = new java.util.ArrayList<>();
        all.add("# " + name + " — " + java.time.ZonedDateTime.now());
        all.add(describe());
        all.addAll(lines);
        all.forEach(System.out::println);
        Path dir = Path.of(System.getProperty("bench.results", "bench/results"));
        Files.createDirectories(dir);
        // a second run of the same day is kept beside the first, never over it
        Path file = dir.resolve(LocalDate.now() + "-" + name + ".txt");
        for (int n = 2; Files.exists(file); n++) {
            file = dir.resolve(LocalDate.now() + "-" + name + "-" + n + ".txt");
        }
        Files.write(file, all);
        System.out.println("(kept in " + file + ")");
    }

    /** p50, p95, p99 and max of sorted nanoseconds, in milliseconds. */
    static String percentiles(long[] sorted) {
        return String.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", percentile(sorted, 50) / 1e6,
                percentile(sorted, 95) / 1e6, percentile(sorted, 99) / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
