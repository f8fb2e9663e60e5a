package no.knutepunkt.delivery.service;

import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.model.event.EventCodec;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens for EPJs that require them, by OAuth2 client credentials. A route names its credentials by reference
 * only; the secret is a file {@code {ref}.properties} ({@code token-url}, {@code client-id}, {@code client-secret},
 * optional {@code scope}) in {@code delivery.credentials-dir}, in production a mounted Kubernetes Secret. Tokens are
 * kept until shortly before they expire. Nothing of a secret or token is ever logged or put in an event.
 */
@ApplicationScoped
public class EpjCredentials {

    private final DeliveryConfig config;
    private final HttpClient http;
    private final Map<String, Token> cache = new ConcurrentHashMap<>();

    public EpjCredentials(DeliveryConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    private record Token(String value, Instant renewAt) {
    }

    /** What went wrong getting a token: the EPJ is not reached, and the message waits like for a down EPJ. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The bearer token for {@code ref}; blocking. */
    public String bearer(String ref) throws Unavailable, InterruptedException {
        Token cached = cache.get(ref);
        if (cached != null && Instant.now().isBefore(cached.renewAt())) {
            return cached.value();
        }
        Properties secret = secret(ref);
        String form = "grant_type=client_credentials&client_id=" + enc(secret.getProperty("client-id"))
                + "&client_secret=" + enc(secret.getProperty("client-secret"))
                + (secret.getProperty("scope") == null ? "" : "&scope=" + enc(secret.getProperty("scope")));
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(secret.getProperty("token-url")))
                    .timeout(config.requestTimeout()).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new Unavailable("the EPJ's token endpoint answered HTTP " + answer.statusCode() + " for "
                        + "credentials " + ref);
            }
            var body = EventCodec.mapper().readTree(answer.body());
            long seconds = body.path("expires_in").asLong(60);
            Token token = new Token(body.path("access_token").asText(),
                    Instant.now().plusSeconds(Math.max(0, seconds - 30)));
            cache.put(ref, token);
            return token.value();
        } catch (IOException e) {
            throw new Unavailable(e.getClass().getSimpleName() + " calling the EPJ's token endpoint for " + ref);
        }
    }

    private Properties secret(String ref) throws Unavailable {
        if (!ref.matches("[A-Za-z0-9._-]+") || config.credentialsDir().isEmpty()) {
            throw new Unavailable("no credentials '" + ref + "' are configured (delivery.credentials-dir)");
        }
        Path file = config.credentialsDir().get().resolve(ref + ".properties");
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new Unavailable("no credentials '" + ref + "' are configured (delivery.credentials-dir)");
        }
        for (String key : new String[] {"token-url", "client-id", "client-secret"}) {
            if (p.getProperty(key) == null) {
                throw new Unavailable("credentials '" + ref + "' lack " + key);
            }
        }
        return p;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
