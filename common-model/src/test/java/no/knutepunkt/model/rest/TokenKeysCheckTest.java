package no.knutepunkt.model.rest;

import com.sun.net.httpserver.HttpServer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenKeysCheckTest {

    /** A clock the test moves. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-11-26T08:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** An issuer with a discovery document and one signing key. */
    static HttpServer issuer(int keys) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", ex -> send(ex, "{\"issuer\":\"" + base
                + "\",\"jwks_uri\":\"" + base + "/jwks\"}"));
        server.createContext("/jwks", ex -> send(ex, "{\"keys\":[" + "{\"kty\":\"RSA\",\"kid\":\"k\"}".repeat(keys)
                + "]}"));
        server.start();
        return server;
    }

    static void send(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aStaticKeyIsAlwaysReady() {
        assertEquals(HealthCheckResponse.Status.UP,
                new TokenKeysCheck(Optional.empty(), true, Clock.systemUTC()).call().getStatus());
    }

    @Test
    void notReadyUntilTheIssuersKeysAreReadThenAnIssuerOutageIsReportedWithoutTakingTheServiceOut() throws Exception {
        HttpServer server = issuer(1);
        String at = url(server);
        server.stop(0); // the issuer cannot be reached when the service starts
        Hands clock = new Hands();
        TokenKeysCheck check = new TokenKeysCheck(Optional.of(at), false, clock);
        HealthCheckResponse first = check.call();
        assertEquals(HealthCheckResponse.Status.DOWN, first.getStatus(), "no keys, no tokens can be checked");
        assertEquals(false, first.getData().orElseThrow().get("reachable"));

        HttpServer running = issuer(1);
        TokenKeysCheck reachable = new TokenKeysCheck(Optional.of(url(running)), false, clock);
        assertEquals(HealthCheckResponse.Status.UP, reachable.call().getStatus(), "keys read");

        running.stop(0);
        clock.now = clock.now.plus(Duration.ofSeconds(30));
        assertEquals(true, reachable.call().getData().orElseThrow().get("reachable"), "not asked again within a minute");
        clock.now = clock.now.plus(TokenKeysCheck.RECHECK);
        HealthCheckResponse away = reachable.call();
        assertEquals(HealthCheckResponse.Status.UP, away.getStatus(), "the keys it has still check tokens");
        assertEquals(false, away.getData().orElseThrow().get("reachable"), "the outage is reported");
    }

    @Test
    void anIssuerWithoutSigningKeysIsNotReady() throws Exception {
        HttpServer server = issuer(0);
        try {
            HealthCheckResponse r = new TokenKeysCheck(Optional.of(url(server)), false, new Hands()).call();
            assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
            assertEquals("no signing keys at jwks_uri", r.getData().orElseThrow().get("problem"));
        } finally {
            server.stop(0);
        }
    }
}
