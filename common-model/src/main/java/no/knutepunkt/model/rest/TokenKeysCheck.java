package no.knutepunkt.model.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Readiness of the token keys: a service that cannot check a token must not take requests. With a static public key
 * it is always ready. With an issuer (HelseID: {@code quarkus.oidc.auth-server-url}) it is ready once the issuer's
 * discovery document and signing keys have been read; afterwards an issuer that cannot be reached is reported but
 * does not take the service out (the keys it already has still check tokens, and a HelseID hiccup must not take the
 * whole hub off the air). The issuer is asked again at most every {@link #RECHECK}.
 */
@Readiness
@ApplicationScoped
public class TokenKeysCheck implements HealthCheck {

    static final Duration RECHECK = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<String> issuer;
    private final boolean staticKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Clock clock;
    private volatile Instant loadedAt;
    private volatile Instant checkedAt;
    private volatile String lastProblem;

    @Inject
    public TokenKeysCheck(@ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer,
            @ConfigProperty(name = "quarkus.oidc.public-key") Optional<String> publicKey) {
        this(issuer, publicKey.filter(k -> !k.isBlank()).isPresent(), Clock.systemUTC());
    }

    TokenKeysCheck(Optional<String> issuer, boolean staticKey, Clock clock) {
        this.issuer = issuer.filter(u -> !u.isBlank());
        this.staticKey = staticKey;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("token keys");
        if (staticKey || issuer.isEmpty()) {
            return response.up().withData("keys", "static public key").build();
        }
        Instant now = clock.instant();
        if (checkedAt == null || !now.isBefore(checkedAt.plus(RECHECK)) || loadedAt == null) {
            checkedAt = now;
            lastProblem = fetch();
            if (lastProblem == null) {
                loadedAt = now;
            }
        }
        response.withData("issuer", issuer.get()).withData("reachable", lastProblem == null);
        if (lastProblem != null) {
            response.withData("problem", lastProblem);
        }
        if (loadedAt != null) {
            response.withData("keysReadAt", loadedAt.toString());
        }
        return response.status(loadedAt != null).build();
    }

    /** Null when the discovery document and a key set with at least one key were read; else what went wrong. */
    private String fetch() {
        try {
            String base = issuer.get().replaceFirst("/$", "");
            JsonNode discovery = get(base + "/.well-known/openid-configuration");
            if (discovery == null || !discovery.hasNonNull("jwks_uri")) {
                return "no discovery document with jwks_uri";
            }
            JsonNode keys = get(discovery.get("jwks_uri").asText());
            return keys != null && keys.path("keys").size() > 0 ? null : "no signing keys at jwks_uri";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }
}
