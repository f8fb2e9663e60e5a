package no.knutepunkt.bench;

import no.knutepunkt.ingest.fhir.BundleInspector;
import no.knutepunkt.ingest.fhir.validation.DeepValidator;
import no.knutepunkt.ingest.fhir.validation.RuleSet;
import no.knutepunkt.ingest.fhir.validation.VkpRules;
import no.knutepunkt.model.rest.Rejection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-bundle cost of the fast path (ingest's parse and VKP rules) against HAPI's FhirInstanceValidator with the
 * project's profiles, on the fixture corpus, in one JVM after the same warm-up. Prints both medians and the ratio.
 * Usage: ValidationBench [ROUNDS] (each round validates every fixture once with each).
 */
public final class ValidationBench {

    private ValidationBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<String> corpus = new ArrayList<>();
        try (var files = Files.list(Path.of(System.getProperty("bench.examples", "examples")))) {
            for (Path p : files.sorted().toList()) {
                corpus.add(Files.readString(p));
            }
        }
        // the deployment defaults: lenient rules, test data, default limits
        BundleInspector fast = new BundleInspector(RuleSet.LENIENT, VkpRules.Environment.TEST, 40, 500);
        DeepValidator deep = new DeepValidator();
        int warmup = Math.max(50, rounds / 5);
        for (int i = 0; i < warmup; i++) {
            for (String body : corpus) {
                fast(fast, body);
                deep.errors(body);
            }
        }
        long[] fastNanos = new long[rounds * corpus.size()];
        long[] deepNanos = new long[rounds * corpus.size()];
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            for (String body : corpus) {
                long t0 = System.nanoTime();
                fast(fast, body);
                long t1 = System.nanoTime();
                deep.errors(body);
                long t2 = System.nanoTime();
                fastNanos[n] = t1 - t0;
                deepNanos[n] = t2 - t1;
                n++;
            }
        }
        Arrays.sort(fastNanos);
        Arrays.sort(deepNanos);
        long fastMedian = Machine.percentile(fastNanos, 50);
        long deepMedian = Machine.percentile(deepNanos, 50);
        Machine.report("validation", List.of(
                "corpus: " + corpus.size() + " bundles (examples/), " + rounds + " rounds after " + warmup
                        + " warm-up rounds; each bundle validated by both paths in turn",
                String.format("fast path (HAPI parse + VKP rules): median %.3f ms, p99 %.3f ms", fastMedian / 1e6,
                        Machine.percentile(fastNanos, 99) / 1e6),
                String.format("HAPI FhirInstanceValidator + VKP profiles: median %.3f ms, p99 %.3f ms",
                        deepMedian / 1e6, Machine.percentile(deepNanos, 99) / 1e6),
                String.format("ratio of medians (validator / fast path): %.1fx", (double) deepMedian / fastMedian)));
    }

    private static void fast(BundleInspector inspector, String body) {
        try {
            inspector.inspect(body, "Bundle");
        } catch (Rejection e) {
            // an invalid fixture: refused, which is the work measured
        }
    }
}
