package no.knutepunkt.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A hub of our own, run exactly as a user runs it: through {@code ./knutepunkt}, in its own home and ports. */
final class Hub {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final int BASE = Integer.parseInt(System.getProperty("knutepunkt.system.port-base", "38000"));
    static final Path HOME = ROOT.resolve("system-tests/target/hub");
    static final String INGEST = "http://127.0.0.1:" + (BASE + 81);
    static final String CONSENT = "http://127.0.0.1:" + (BASE + 82);
    static final String ROUTING = "http://127.0.0.1:" + (BASE + 83);
    static final String DELIVERY = "http://127.0.0.1:" + (BASE + 84);
    static final String AUDIT = "http://127.0.0.1:" + (BASE + 85);
    static final int POSTGRES_PORT = BASE + 32;
    static final String EPJ = "http://127.0.0.1:" + (BASE + 90);
    static final String KAFKA = "127.0.0.1:" + (BASE + 92);
    /** The tests' trace collector ({@link TraceCollector}): every service exports its spans there. */
    static final int OTLP_PORT = BASE + 95;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Result(int exit, String output) {
    }

    private Hub() {
    }

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("KNUTEPUNKT_"));
        env.put("KNUTEPUNKT_HOME", HOME.toString());
        env.put("KNUTEPUNKT_PORT_BASE", Integer.toString(BASE));
        // the reactor running these tests has just built every module
        env.put("KNUTEPUNKT_BUILD", "skip");
        env.put("KNUTEPUNKT_SEND_TIMEOUT", "90");
        // a read the EPJ leaves hanging is answered 504 after this, instead of the 10 s a vendor gets by default; the
        // first read after a start takes each stage a second or more (class loading, first queries) on 2 cores
        env.put("KNUTEPUNKT_READ_DEADLINE", "8s");
        // as deployed: JSON logs, traces exported
        env.put("KNUTEPUNKT_LOG_JSON", "true");
        env.put("KNUTEPUNKT_TRACING_DISABLED", "false");
        env.put("KNUTEPUNKT_OTLP_ENDPOINT", "http://127.0.0.1:" + OTLP_PORT);
        env.put("KNUTEPUNKT_OTLP_PROTOCOL", "http/protobuf");
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "500ms");
        return env;
    }

    /** Runs {@code ./knutepunkt ARGS} from the repository root. */
    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** As above, with settings of the test's own added to the environment. */
    static Result run(Map<String, String> settings, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(ROOT.resolve("knutepunkt").toString());
        pb.command().addAll(List.of(args));
        pb.directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment());
        pb.environment().putAll(settings);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String token(String... args) throws IOException, InterruptedException {
        String[] all = new String[args.length + 1];
        all[0] = "token";
        System.arraycopy(args, 0, all, 1, args.length);
        Result r = run(all);
        if (r.exit() != 0) {
            throw new IllegalStateException(r.output());
        }
        return r.output().trim();
    }

    static HttpResponse<String> http(String method, String url, String token, String body) throws IOException,
            InterruptedException {
        return http(method, url, token, body, null);
    }

    static HttpResponse<String> http(String method, String url, String token, String body, String prefer)
            throws IOException, InterruptedException {
        return send(method, url, token, body, prefer, "application/fhir+json");
    }

    /** A call to one of the hub's own JSON APIs (consent, routing). */
    static HttpResponse<String> api(String method, String url, String token, String body) throws IOException,
            InterruptedException {
        return send(method, url, token, body, null, "application/json");
    }

    private static HttpResponse<String> send(String method, String url, String token, String body, String prefer,
            String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (prefer != null) {
            b.header("Prefer", prefer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
