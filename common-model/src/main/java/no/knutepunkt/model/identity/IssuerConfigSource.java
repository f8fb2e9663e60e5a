package no.knutepunkt.model.identity;

import io.smallrye.config.common.MapBackedConfigSource;

import java.util.Map;

/**
 * How every service verifies tokens, written once: the default OIDC tenant is HelseID (or the local run's key), set
 * from {@code KNUTEPUNKT_OIDC_*}; further issuers are named tenants, picked by a token's {@code iss}. Lowest
 * ordinal: a service's properties, a mounted properties file ({@code QUARKUS_CONFIG_LOCATIONS}) and the environment
 * still win.
 */
public class IssuerConfigSource extends MapBackedConfigSource {

    private static final Map<String, String> PROPERTIES = Map.of(
            // HelseID by discovery (its URL), or a public key for a local run and the tests
            "quarkus.oidc.auth-server-url", "${KNUTEPUNKT_OIDC_URL:}",
            "quarkus.oidc.public-key", "${KNUTEPUNKT_OIDC_PUBLIC_KEY:}",
            "quarkus.oidc.token.issuer",
            "${KNUTEPUNKT_OIDC_ISSUER:${KNUTEPUNKT_OIDC_URL:https://helseid.knutepunkt.local}}",
            "quarkus.oidc.token.audience", "${KNUTEPUNKT_OIDC_AUDIENCE:nhn:vkp}",
            // clocks differ: exp, nbf and iat are checked with this leeway (seconds), as HelseID recommends
            "quarkus.oidc.token.lifespan-grace", "${KNUTEPUNKT_OIDC_CLOCK_SKEW:30}",
            // a token under a key not yet seen (the issuer rotated) has the JWKS read again, at most this often
            "quarkus.oidc.token.forced-jwk-refresh-interval", "${KNUTEPUNKT_OIDC_JWKS_REFRESH:10S}",
            // a second issuer (quarkus.oidc.<tenant>.*) verifies the tokens whose iss is its own
            "quarkus.oidc.resolve-tenants-with-issuer", "true");

    public IssuerConfigSource() {
        super("knutepunkt-issuers", PROPERTIES, 50);
    }
}
