package no.knutepunkt.epj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays a municipality's EPJ: a FHIR R4 endpoint under {@code /fhir} that accepts transactions and single creates,
 * creates conditionally on business identifiers (so a redelivery never makes a second record), lists what it holds,
 * can be told to fail, hang or slow down, or to lose what came after a backup, through {@code /control}. What it
 * stores survives a restart when it is given a data file; then only the indexes are in memory and each resource is
 * read from the file when asked for, so that a long load run does not fill the heap.
 */
public final class EpjStandin implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path dataFile;
    /** Appended to, and read at an offset; null without a data file. */
    private final FileChannel file;
    /** type → id → where the resource is; identifier index: type|system|value → id. */
    private final Map<String, Map<String, Stored>> resources = new LinkedHashMap<>();
    private final Map<String, String> byIdentifier = new LinkedHashMap<>();
    private volatile Behaviour behaviour = Behaviour.OK;
    private final ReadRecords readRecords = new ReadRecords(JSON);

    /**
     * How the stand-in answers: normally, with an error status, never, or after a delay; to every request, or only to
     * those whose body contains {@code match} (one bad message among good ones).
     */
    public record Behaviour(String mode, int status, long delayMs, String match) {
        static final Behaviour OK = new Behaviour("ok", 200, 0);

        public Behaviour(String mode, int status, long delayMs) {
            this(mode, status, delayMs, null);
        }
    }

    /**
     * One stored resource: what a search compares without reading it, and its JSON, in memory ({@code bytes}) or at
     * {@code offset} of the data file.
     */
    private record Stored(String type, String id, Instant lastUpdated, long offset, int length, byte[] bytes) {
    }

    public EpjStandin(String host, int port, Path dataFile) throws IOException {
        this.dataFile = dataFile;
        this.file = dataFile == null ? null : FileChannel.open(dataFile, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (file != null) {
            reindex();
        }
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/fhir", this::fhir);
        server.createContext("/control", this::control);
        server.createContext("/token", this::token);
        server.createContext("/health", ex -> respond(ex, 200, JSON.createObjectNode().put("status", "UP")));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/fhir";
    }

    /**
     * From now on, FHIR requests need a bearer token from {@code /token} (OAuth2 client credentials): a client id
     * and its secret, as given here.
     */
    public void requireToken(String clientId, String clientSecret) {
        this.client = clientId + ":" + clientSecret;
    }

    /** How many tokens {@code /token} has issued. */
    public int tokensIssued() {
        return tokens.size();
    }

    private volatile String client;
    private final java.util.Set<String> tokens = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> form = pairs(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String presented = form.get("client_id") + ":" + form.get("client_secret");
            if (!"client_credentials".equals(form.get("grant_type")) || !presented.equals(client)) {
                respond(ex, 401, JSON.createObjectNode().put("error", "invalid_client"));
                return;
            }
            String token = UUID.randomUUID().toString();
            tokens.add(token);
            respond(ex, 200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                    .put("expires_in", 300));
        }
    }

    /** False (and answered 401) when tokens are required and the request has none that was issued. */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (client == null) {
            return true;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ") && tokens.contains(header.substring(7))) {
            return true;
        }
        respond(ex, 401, outcome("a bearer token from /token is required"));
        return false;
    }

    public void behave(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    /** Resources of one type in the order they were first stored. */
    public synchronized List<ObjectNode> list(String type) {
        List<ObjectNode> list = new ArrayList<>();
        try {
            for (Stored s : resources.getOrDefault(type, Map.of()).values()) {
                list.add(load(s));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return list;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // closing at exit; what was written is in the file already
            }
        }
    }

    /** FHIR requests being answered now: a test can wait until a client's request is under way. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private void fhir(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (!authorized(ex) || !applyBehaviour(ex, new String(raw, StandardCharsets.UTF_8))) {
                return;
            }
            String[] path = ex.getRequestURI().getPath().replaceFirst("^/fhir/?", "").split("/");
            String method = ex.getRequestMethod();
            if ("POST".equals(method) && path[0].isEmpty()) {
                JsonNode body = JSON.readTree(raw);
                if (!"transaction".equals(body.path("type").asText())) {
                    respond(ex, 400, outcome("only transaction Bundles may be posted to the base"));
                    return;
                }
                respond(ex, 200, transaction(body));
            } else if ("POST".equals(method) && path.length == 1) {
                ObjectNode resource = (ObjectNode) JSON.readTree(raw);
                Created created = create(path[0], resource, ex.getRequestHeaders().getFirst("If-None-Exist"));
                ex.getResponseHeaders().add("Location", baseUrl() + "/" + path[0] + "/" + created.id());
                respond(ex, created.isNew() ? 201 : 200, created.resource());
            } else if ("GET".equals(method) && path.length == 1 && isRead(path[0], query(ex))) {
                respond(ex, 200, readRecords.page(path[0], multiQuery(ex), baseUrl()));
            } else if ("GET".equals(method) && path.length == 1 && !path[0].isEmpty()) {
                Map<String, String> query = query(ex);
                ObjectNode found = search(path[0], query.get("identifier"), query.get("_lastUpdated"));
                if (found.path("entry").isEmpty() && "Patient".equals(path[0]) && query.get("identifier") != null) {
                    // a patient the hub never wrote may be one of the records'
                    readRecords.asEntries(readRecords.search("Patient", multiQuery(ex)), (ArrayNode) found.get("entry"),
                            baseUrl());
                    found.put("total", found.get("entry").size());
                }
                respond(ex, 200, found);
            } else if ("GET".equals(method) && path.length == 2) {
                ObjectNode found = read(path[0], path[1]);
                respond(ex, found == null ? 404 : 200, found == null ? outcome("not found") : found);
            } else {
                respond(ex, 405, outcome("not supported: " + method + " " + ex.getRequestURI().getPath()));
            }
        } catch (IOException | RuntimeException e) {
            respond(ex, 400, outcome("could not process: " + e.getClass().getSimpleName()));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Answers false when the behaviour has already answered (fail) or should never answer (hang). */
    private boolean applyBehaviour(HttpExchange ex, String body) throws IOException {
        Behaviour b = behaviour;
        if (b.match() != null && !body.contains(b.match())) {
            return true;
        }
        switch (b.mode()) {
            case "fail" -> {
                respond(ex, b.status(), outcome("told to fail"));
                return false;
            }
            case "hang" -> {
                sleep(b.delayMs() > 0 ? b.delayMs() : 600_000);
                return false;
            }
            case "slow" -> sleep(b.delayMs());
            default -> {
            }
        }
        return true;
    }

    private ObjectNode transaction(JsonNode bundle) throws IOException {
        ObjectNode response = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction-response");
        ArrayNode entries = response.putArray("entry");
        List<Created> created = new ArrayList<>();
        synchronized (this) {
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode request = entry.path("request");
                String type = entry.path("resource").path("resourceType").asText(request.path("url").asText());
                created.add(create(type, (ObjectNode) entry.get("resource").deepCopy(),
                        request.hasNonNull("ifNoneExist") ? request.get("ifNoneExist").asText() : null));
            }
        }
        for (Created c : created) {
            ObjectNode e = entries.addObject();
            e.putObject("response").put("status", c.isNew() ? "201 Created" : "200 OK")
                    .put("location", c.resource().get("resourceType").asText() + "/" + c.id() + "/_history/1");
        }
        return response;
    }

    private record Created(String id, ObjectNode resource, boolean isNew) {
    }

    private synchronized Created create(String type, ObjectNode resource, String ifNoneExist) throws IOException {
        String key = ifNoneExist != null ? conditionKey(type, ifNoneExist) : identifierKey(type, resource);
        if (key != null && byIdentifier.containsKey(key)) {
            String id = byIdentifier.get(key);
            return new Created(id, load(resources.get(type).get(id)), false);
        }
        String id = UUID.randomUUID().toString();
        resource.put("id", id);
        // a server's own meta, keeping what the client put there (tags, profiles)
        ObjectNode meta = resource.has("meta") && resource.get("meta").isObject() ? (ObjectNode) resource.get("meta")
                : resource.putObject("meta");
        meta.put("versionId", "1").put("lastUpdated", Instant.now().toString());
        store(resource);
        return new Created(id, resource, true);
    }

    /**
     * Written through to the file (a restart keeps it), not synced to the disk: the stand-in must not be what limits a
     * benchmark of the hub.
     */
    private void store(ObjectNode resource) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(resource);
        long offset = -1;
        if (file != null) {
            offset = file.size();
            ByteBuffer line = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
            while (line.hasRemaining()) {
                file.write(line, offset + line.position());
            }
        }
        index(resource, offset, bytes);
    }

    private ObjectNode load(Stored s) throws IOException {
        if (s.bytes() != null) {
            return (ObjectNode) JSON.readTree(s.bytes());
        }
        ByteBuffer buffer = ByteBuffer.allocate(s.length());
        while (buffer.hasRemaining() && file.read(buffer, s.offset() + buffer.position()) >= 0) {
            // read until the line is whole
        }
        return (ObjectNode) JSON.readTree(buffer.array());
    }

    /** The indexes, from the data file's lines. */
    private void reindex() throws IOException {
        resources.clear();
        byIdentifier.clear();
        long offset = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(dataFile), 1 << 16)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                byte[] bytes = line.toByteArray();
                if (bytes.length > 0) {
                    index((ObjectNode) JSON.readTree(bytes), offset, bytes);
                }
                offset += bytes.length + 1;
                line.reset();
            }
        }
    }

    /**
     * Plays a restore from a backup taken at {@code backupAt}: everything stored after it is lost (and the data file
     * rewritten to match). Answers how many resources were lost.
     */
    public synchronized int restoreTo(Instant backupAt) throws IOException {
        List<ObjectNode> kept = new ArrayList<>();
        int lost = 0;
        for (Map<String, Stored> ofType : resources.values()) {
            for (Stored s : ofType.values()) {
                if (s.lastUpdated().isAfter(backupAt)) {
                    lost++;
                } else {
                    kept.add(load(s));
                }
            }
        }
        resources.clear();
        byIdentifier.clear();
        if (file != null) {
            file.truncate(0);
        }
        for (ObjectNode r : kept) {
            store(r);
        }
        if (file != null) {
            file.force(false);
        }
        return lost;
    }

    /** Keeps the bytes in memory only without a data file. */
    private void index(ObjectNode resource, long offset, byte[] bytes) {
        String type = resource.get("resourceType").asText();
        String id = resource.get("id").asText();
        Instant lastUpdated = Instant.parse(resource.path("meta").path("lastUpdated").asText());
        resources.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(id, new Stored(type, id, lastUpdated, offset,
                bytes.length, offset < 0 ? bytes : null));
        for (JsonNode identifier : identifiers(resource)) {
            byIdentifier.put(type + "|" + identifier.path("system").asText() + "|" + identifier.path("value").asText(),
                    id);
        }
    }

    private static List<JsonNode> identifiers(JsonNode resource) {
        JsonNode identifier = resource.path("identifier");
        List<JsonNode> list = new ArrayList<>();
        if (identifier.isArray()) {
            identifier.forEach(list::add);
        } else if (identifier.isObject()) {
            list.add(identifier);
        }
        return list;
    }

    private static String identifierKey(String type, JsonNode resource) {
        List<JsonNode> ids = identifiers(resource);
        return ids.isEmpty() ? null
                : type + "|" + ids.get(0).path("system").asText() + "|" + ids.get(0).path("value").asText();
    }

    private static String conditionKey(String type, String ifNoneExist) {
        String condition = ifNoneExist.contains("?") ? ifNoneExist.substring(ifNoneExist.indexOf('?') + 1)
                : ifNoneExist;
        String token = URLDecoder.decode(condition.replaceFirst("^identifier=", ""), StandardCharsets.UTF_8);
        return type + "|" + token;
    }

    private synchronized ObjectNode read(String type, String id) throws IOException {
        Stored s = resources.getOrDefault(type, Map.of()).get(id);
        return s == null ? null : load(s);
    }

    /**
     * By identifier, or all of a type; {@code _lastUpdated=geINSTANT} (or {@code gt}) only those stored since then, so
     * that a long load run can follow what arrived without reading everything each time.
     */
    private synchronized ObjectNode search(String type, String identifier, String lastUpdated) throws IOException {
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "searchset");
        ArrayNode entries = bundle.putArray("entry");
        Map<String, Stored> ofType = resources.getOrDefault(type, Map.of());
        if (identifier != null) {
            String id = byIdentifier.get(type + "|" + identifier);
            if (id != null) {
                entries.addObject().set("resource", load(ofType.get(id)));
            }
        } else {
            Instant since = lastUpdated != null && lastUpdated.length() > 2 ? Instant.parse(lastUpdated.substring(2))
                    : null;
            boolean inclusive = lastUpdated != null && lastUpdated.startsWith("ge");
            for (Stored s : ofType.values()) {
                if (since == null || s.lastUpdated().isAfter(since) || inclusive && s.lastUpdated().equals(since)) {
                    entries.addObject().set("resource", load(s));
                }
            }
        }
        bundle.put("total", entries.size());
        return bundle;
    }

    private void control(HttpExchange ex) throws IOException {
        try (ex) {
            if ("POST".equals(ex.getRequestMethod())) {
                JsonNode body = JSON.readTree(ex.getRequestBody());
                if (body.hasNonNull("restoreTo")) {
                    int lost = restoreTo(Instant.parse(body.get("restoreTo").asText()));
                    respond(ex, 200, JSON.createObjectNode().put("restoredTo", body.get("restoreTo").asText())
                            .put("lost", lost));
                    return;
                }
                behave(new Behaviour(body.path("mode").asText("ok"), body.path("status").asInt(503),
                        body.path("delayMs").asLong(0), body.hasNonNull("match") ? body.get("match").asText() : null));
            }
            Behaviour b = behaviour;
            respond(ex, 200, JSON.createObjectNode().put("mode", b.mode()).put("status", b.status())
                    .put("delayMs", b.delayMs()).put("inFlight", inFlight.get()));
        }
    }

    /**
     * A vendor's read through the hub, answered from the patients' records: a search of a record type by patient,
     * date, status or count, or of all of them. A search by identifier or {@code _lastUpdated} is of what the hub wrote (and,
     * for a Patient the hub never wrote, of the records).
     */
    private static boolean isRead(String type, Map<String, String> query) {
        return ReadRecords.holds(type) && (query.isEmpty() || query.containsKey("patient.identifier")
                || query.containsKey("date") || query.containsKey("_count") || query.containsKey("_getpagesoffset")
                || query.containsKey("status")
                || query.containsKey("patient") || "Patient".equals(type) && query.containsKey("_id"));
    }

    private static Map<String, List<String>> multiQuery(HttpExchange ex) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>())
                            .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static Map<String, String> query(HttpExchange ex) {
        return pairs(ex.getRequestURI().getRawQuery());
    }

    /** {@code a=1&b=2}, as a query string or a form body, decoded. */
    private static Map<String, String> pairs(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static ObjectNode outcome(String text) {
        ObjectNode oo = JSON.createObjectNode().put("resourceType", "OperationOutcome");
        oo.putArray("issue").addObject().put("severity", "error").put("code", "processing").put("diagnostics", text);
        return oo;
    }

    private static void respond(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/fhir+json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code java no.knutepunkt.epj.EpjStandin PORT [DATA_FILE]}: runs until killed, on loopback. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Path data = args.length > 1 ? Path.of(args[1]) : null;
        EpjStandin standin = new EpjStandin("127.0.0.1", port, data);
        Runtime.getRuntime().addShutdownHook(new Thread(standin::close));
        System.out.println("EPJ stand-in listening on " + standin.baseUrl());
    }

}
