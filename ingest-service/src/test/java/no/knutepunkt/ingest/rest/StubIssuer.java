package no.knutepunkt.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.model.event.EventCodec;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID provider of its own, with key pairs independent of the dev keys: a discovery document and a JWKS that a
 * test can take down, bring up and rotate ({@code POST /control}), and a signer for tokens under each of its keys
 * ({@code POST /sign?kid=…&key=…}). It counts the JWKS reads, so that a test can see how often the service asked.
 * Under {@code /nhn} it is a second issuer, always up, with a key of its own ({@code n1}): NHN's own IdP, which the
 * service is configured to trust for operators only.
 */
public class StubIssuer implements QuarkusTestResourceLifecycleManager {

    static final String SECOND = "/nhn";
    static final String SECOND_KEY = "n1";

    private HttpServer server;
    private final Map<String, KeyPair> keys = new LinkedHashMap<>();
    private volatile boolean up;
    private volatile List<String> published = List.of("k1");
    private final AtomicInteger jwksReads = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys.put("k1", generator.generateKeyPair());
            keys.put("k2", generator.generateKeyPair());
            keys.put("k3", generator.generateKeyPair());
            keys.put(SECOND_KEY, generator.generateKeyPair());
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/.well-known/openid-configuration", ex -> {
                ObjectNode doc = EventCodec.mapper().createObjectNode().put("issuer", base())
                        .put("jwks_uri", base() + "/jwks");
                answer(ex, up ? 200 : 503, up ? doc.toString() : "{}");
            });
            server.createContext("/jwks", ex -> {
                jwksReads.incrementAndGet();
                ArrayNode set = EventCodec.mapper().createArrayNode();
                published.forEach(kid -> set.add(jwk(kid)));
                answer(ex, up ? 200 : 503, up ? EventCodec.mapper().createObjectNode().set("keys", set).toString()
                        : "{}");
            });
            server.createContext(SECOND + "/.well-known/openid-configuration", ex -> answer(ex, 200,
                    EventCodec.mapper().createObjectNode().put("issuer", base() + SECOND)
                            .put("jwks_uri", base() + SECOND + "/jwks").toString()));
            server.createContext(SECOND + "/jwks", ex -> answer(ex, 200, EventCodec.mapper().createObjectNode()
                    .set("keys", EventCodec.mapper().createArrayNode().add(jwk(SECOND_KEY))).toString()));
            server.createContext("/control", ex -> {
                JsonNode body = EventCodec.mapper().readTree(ex.getRequestBody());
                up = body.path("up").asBoolean(up);
                if (body.has("keys")) {
                    published = EventCodec.mapper().convertValue(body.get("keys"),
                            EventCodec.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
                }
                answer(ex, 200, EventCodec.mapper().createObjectNode().put("jwksReads", jwksReads.get()).toString());
            });
            server.createContext("/sign", ex -> {
                // ?kid=…[&key=…]: a header's kid may name a key the issuer never had
                Map<String, String> query = new LinkedHashMap<>();
                for (String pair : ex.getRequestURI().getQuery().split("&")) {
                    query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
                String kid = query.get("kid");
                @SuppressWarnings("unchecked")
                Map<String, Object> claims = EventCodec.mapper().readValue(ex.getRequestBody(), Map.class);
                answer(ex, 200, DevTokens.sign(Map.of("alg", "RS256", "typ", "at+jwt", "kid", kid), claims,
                        keys.get(query.getOrDefault("key", kid)).getPrivate()));
            });
            server.start();
            return Map.of("quarkus.oidc.auth-server-url", base(), "quarkus.oidc.token.issuer", base(),
                    // the dev key must not be used: this issuer's discovery document and keys are
                    "quarkus.oidc.public-key", "${knutepunkt.no-static-key:}",
                    "knutepunkt.test.issuer", base(),
                    // the second issuer, as an operator configures one: a tenant, and what it is trusted for
                    "quarkus.oidc.nhn.auth-server-url", base() + SECOND,
                    "quarkus.oidc.nhn.application-type", "service",
                    "quarkus.oidc.nhn.token.audience", "knutepunkt",
                    "knutepunkt.identity.issuers.nhn.roles", "operator",
                    "knutepunkt.identity.roles.operator", "knutepunkt:operator,knutepunkt-operator");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ObjectNode jwk(String kid) {
        RSAPublicKey key = (RSAPublicKey) keys.get(kid).getPublic();
        return EventCodec.mapper().createObjectNode().put("kty", "RSA").put("kid", kid).put("use", "sig")
                .put("alg", "RS256").put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
