package no.knutepunkt.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OpenTelemetry collector for the tests: takes OTLP over HTTP ({@code POST /v1/traces}, protobuf) and keeps the
 * spans. It reads only the fields the tests look at, by the OTLP protobuf field numbers.
 */
final class TraceCollector implements AutoCloseable {

    /** One span: its trace, its own and its parent's id (empty for a root), its name, service and attributes. */
    record Span(String traceId, String spanId, String parentSpanId, String name, String service,
            Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    TraceCollector(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/v1/traces", this::export);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void export(HttpExchange ex) throws IOException {
        try (ex) {
            InputStream body = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            byte[] request = body.readAllBytes();
            // ExportTraceServiceRequest: 1 = resource_spans
            for (Field resourceSpans : fields(request)) {
                if (resourceSpans.number() == 1) {
                    resourceSpans(resourceSpans.bytes());
                }
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0); // an empty ExportTraceServiceResponse
        }
    }

    /** ResourceSpans: 1 = resource (1 = attributes), 2 = scope_spans (2 = spans). */
    private void resourceSpans(byte[] message) {
        String service = "";
        List<byte[]> found = new ArrayList<>();
        for (Field f : fields(message)) {
            if (f.number() == 1) {
                for (Field attribute : fields(f.bytes())) {
                    if (attribute.number() == 1) {
                        Map.Entry<String, String> kv = keyValue(attribute.bytes());
                        service = "service.name".equals(kv.getKey()) ? kv.getValue() : service;
                    }
                }
            } else if (f.number() == 2) {
                fields(f.bytes()).stream().filter(s -> s.number() == 2).forEach(s -> found.add(s.bytes()));
            }
        }
        for (byte[] span : found) {
            spans.add(span(span, service));
        }
    }

    /** Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 9 attributes. */
    private static Span span(byte[] message, String service) {
        HexFormat hex = HexFormat.of();
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Field f : fields(message)) {
            switch (f.number()) {
                case 1 -> traceId = hex.formatHex(f.bytes());
                case 2 -> spanId = hex.formatHex(f.bytes());
                case 4 -> parent = hex.formatHex(f.bytes());
                case 5 -> name = new String(f.bytes(), StandardCharsets.UTF_8);
                case 9 -> {
                    Map.Entry<String, String> kv = keyValue(f.bytes());
                    attributes.put(kv.getKey(), kv.getValue());
                }
                default -> {
                }
            }
        }
        return new Span(traceId, spanId, parent, name, service, attributes);
    }

    /** KeyValue: 1 key, 2 value (AnyValue: 1 string_value; other kinds are kept as empty). */
    private static Map.Entry<String, String> keyValue(byte[] message) {
        String key = "";
        String value = "";
        for (Field f : fields(message)) {
            if (f.number() == 1) {
                key = new String(f.bytes(), StandardCharsets.UTF_8);
            } else if (f.number() == 2) {
                for (Field v : fields(f.bytes())) {
                    if (v.number() == 1 && v.bytes() != null) {
                        value = new String(v.bytes(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        return Map.entry(key, value);
    }

    /** One field of a protobuf message: its number, and its bytes when it is length-delimited (else null). */
    private record Field(int number, byte[] bytes) {
    }

    private static List<Field> fields(byte[] message) {
        List<Field> fields = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(message);
        while (in.available() > 0) {
            long tag = varint(in);
            int number = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> {
                    varint(in);
                    fields.add(new Field(number, null));
                }
                case 1 -> {
                    in.skip(8);
                    fields.add(new Field(number, null));
                }
                case 2 -> fields.add(new Field(number, readN(in, (int) varint(in))));
                case 5 -> {
                    in.skip(4);
                    fields.add(new Field(number, null));
                }
                default -> throw new IllegalArgumentException("wire type " + (tag & 7));
            }
        }
        return fields;
    }

    private static byte[] readN(ByteArrayInputStream in, int n) {
        byte[] bytes = new byte[n];
        if (in.read(bytes, 0, n) != n) {
            throw new IllegalArgumentException("truncated");
        }
        return bytes;
    }

    private static long varint(ByteArrayInputStream in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalArgumentException("truncated varint");
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
