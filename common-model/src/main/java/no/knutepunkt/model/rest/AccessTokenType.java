package no.knutepunkt.model.rest;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.event.EventCodec;

import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Only an access token opens the APIs: HelseID types its access tokens {@code at+jwt} (RFC 9068; {@code JWT} in
 * older ones). Anything else signed by the same issuer (an ID token, a logout token, a client assertion) is refused
 * with 401, as HelseID's own guidance for resource servers asks.
 */
@ApplicationScoped
public class AccessTokenType implements SecurityIdentityAugmentor {

    static final Set<String> ACCESS_TOKEN_TYPES = Set.of("at+jwt", "application/at+jwt", "jwt");

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        TokenCredential credential = identity.isAnonymous() ? null : identity.getCredential(TokenCredential.class);
        if (credential != null && credential.getToken() != null && !isAccessToken(credential.getToken())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("not an access token"));
        }
        return Uni.createFrom().item(identity);
    }

    /** True when the JWT's header types it as an access token. */
    static boolean isAccessToken(String jwt) {
        int dot = jwt.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            String typ = EventCodec.mapper().readTree(Base64.getUrlDecoder().decode(jwt.substring(0, dot)))
                    .path("typ").asText(null);
            return typ != null && ACCESS_TOKEN_TYPES.contains(typ.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return false;
        }
    }
}
