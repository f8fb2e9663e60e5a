package no.knutepunkt.model.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which claims, scopes and issuers make a caller what it is ({@code knutepunkt.identity.*}). The defaults are
 * HelseID's and VKP's names, so that tokens made for VKP work unchanged; another issuer is an OIDC tenant
 * ({@code quarkus.oidc.<tenant>.*}) and an entry here that says what it is trusted for.
 */
@ConfigMapping(prefix = "knutepunkt.identity")
public interface IdentitySettings {

    Claims claims();

    Scopes scopes();

    /** The scope or role values that make a token each role, when its issuer is trusted for it. */
    Roles roles();

    /**
     * What each OIDC tenant's tokens may be, by tenant id. The default tenant ({@code quarkus.oidc.*}, id
     * {@value CallerPolicy#DEFAULT_TENANT}) is HelseID and trusted for every role unless it is listed; a named
     * tenant that is not listed is trusted for nothing.
     */
    Map<String, Issuer> issuers();

    interface Claims {
        @WithDefault(HelseIdClaims.VKP_ID)
        String vkpId();

        @WithDefault(HelseIdClaims.CLIENT_ID)
        String clientId();

        @WithDefault(HelseIdClaims.CLIENT_AMR)
        String clientAmr();

        /** The organisation a municipality's administrator or EPJ belongs to. */
        @WithDefault(HelseIdClaims.ORGNR_PARENT)
        String orgnr();

        /** A claim of role names, read beside {@code scope} (Entra ID's app roles, a flattened Keycloak role list). */
        @WithDefault("roles")
        String roles();
    }

    interface Scopes {
        /** VKP's scopes are this prefix, the resource and the access: {@code nhn:vkp/api/user/bundle.write}. */
        @WithDefault(HelseIdClaims.VKP_SCOPE_PREFIX)
        String vkpPrefix();

        /** JFT's write scope. */
        @WithDefault(HelseIdClaims.SCOPE_JFT)
        String jft();
    }

    interface Roles {
        @WithDefault(HelseIdClaims.SCOPE_CONSENT_ADMIN)
        Set<String> administrator();

        @WithDefault(HelseIdClaims.SCOPE_EPJ)
        Set<String> epj();

        @WithDefault(HelseIdClaims.SCOPE_OPERATOR)
        Set<String> operator();
    }

    interface Issuer {
        /** The roles this issuer's tokens may hold: vendor, epj, administrator, operator. */
        Set<String> roles();

        /** A municipality's own IdP speaks for that municipality only: its tokens are bound to this orgnr. */
        Optional<String> orgnr();
    }
}
