package no.knutepunkt.model.identity;

import no.knutepunkt.model.rest.ApiCaller;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Who a verified token makes its caller: the claims it is read from, the scopes or roles that give each role, and
 * what the issuer that signed it is trusted for. A municipality's own IdP can make administrators of that
 * municipality and nothing else, however its tokens are filled in.
 *
 * @param issuers what each OIDC tenant is trusted for; see {@link IdentitySettings#issuers()}
 */
public record CallerPolicy(ClaimNames claims, String vkpScopePrefix, String jftScope,
        Map<Role, Set<String>> grants, Map<String, Trust> issuers) {

    /** Quarkus OIDC's id for the tenant configured as {@code quarkus.oidc.*}. */
    public static final String DEFAULT_TENANT = "Default";

    /** The claims a caller is read from. */
    public record ClaimNames(String vkpId, String clientId, String clientAmr, String orgnr, String roles) {
        public static final ClaimNames HELSEID = new ClaimNames(HelseIdClaims.VKP_ID, HelseIdClaims.CLIENT_ID,
                HelseIdClaims.CLIENT_AMR, HelseIdClaims.ORGNR_PARENT, "roles");
    }

    /** What one issuer's tokens may be. */
    public record Trust(Set<Role> roles, Optional<String> orgnr) {
        public static final Trust NOTHING = new Trust(Set.of(), Optional.empty());
        public static final Trust EVERYTHING = new Trust(EnumSet.allOf(Role.class), Optional.empty());
    }

    /** HelseID's names and VKP's scopes, one issuer trusted for everything: what the services run with by default. */
    public static CallerPolicy helseId() {
        Map<Role, Set<String>> grants = Map.of(Role.ADMINISTRATOR, Set.of(HelseIdClaims.SCOPE_CONSENT_ADMIN),
                Role.EPJ, Set.of(HelseIdClaims.SCOPE_EPJ), Role.OPERATOR, Set.of(HelseIdClaims.SCOPE_OPERATOR));
        return new CallerPolicy(ClaimNames.HELSEID, HelseIdClaims.VKP_SCOPE_PREFIX, HelseIdClaims.SCOPE_JFT, grants,
                Map.of());
    }

    public static CallerPolicy of(IdentitySettings settings) {
        Map<Role, Set<String>> grants = new EnumMap<>(Role.class);
        grants.put(Role.ADMINISTRATOR, Set.copyOf(settings.roles().administrator()));
        grants.put(Role.EPJ, Set.copyOf(settings.roles().epj()));
        grants.put(Role.OPERATOR, Set.copyOf(settings.roles().operator()));
        Map<String, Trust> issuers = settings.issuers().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> new Trust(e.getValue().roles().stream().map(Role::ofConfigName)
                        .collect(Collectors.toUnmodifiableSet()), e.getValue().orgnr().map(String::trim))));
        IdentitySettings.Claims c = settings.claims();
        return new CallerPolicy(new ClaimNames(c.vkpId(), c.clientId(), c.clientAmr(), c.orgnr(), c.roles()),
                settings.scopes().vkpPrefix(), settings.scopes().jft(),
                Map.copyOf(grants), issuers);
    }

    /** What an issuer is trusted for: as configured; the default tenant everything; another tenant nothing. */
    public Trust trust(String tenant) {
        Trust configured = issuers.get(tenant == null ? DEFAULT_TENANT : tenant);
        if (configured != null) {
            return configured;
        }
        return tenant == null || DEFAULT_TENANT.equals(tenant) ? Trust.EVERYTHING : Trust.NOTHING;
    }

    /**
     * @param tenant the OIDC tenant that verified the token
     * @param claim  the token's claims by name, e.g. {@code token::getClaim}
     */
    public ApiCaller caller(String tenant, Function<String, Object> claim) {
        Trust trust = trust(tenant);
        Set<String> scopes = HelseIdClaims.scopes(claim.apply("scope"));
        Set<String> held = new HashSet<>(scopes);
        held.addAll(HelseIdClaims.scopes(claim.apply(claims.roles())));
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Role role : trust.roles()) {
            // a vendor's VKP scopes decide, per resource, what it may do; every other role needs its grant
            if (role == Role.VENDOR || !Collections.disjoint(held, grants.getOrDefault(role, Set.of()))) {
                roles.add(role);
            }
        }
        Function<String, String> text = name -> HelseIdClaims.text(claim.apply(name));
        String orgnr = trust.orgnr().orElseGet(() -> text.apply(claims.orgnr()));
        return new ApiCaller(tenant == null ? DEFAULT_TENANT : tenant, text.apply(claims.clientId()),
                text.apply(claims.clientAmr()), orgnr, text.apply(claims.vkpId()), scopes, Set.copyOf(roles), this);
    }

    /** The VKP scope for one resource and access, e.g. {@code nhn:vkp/api/user/bundle.write}. */
    public String vkpScope(String resource, String access) {
        return vkpScopePrefix + resource + "." + access;
    }

    /** True when the scopes allow {@code access} on {@code resource}, directly or with {@code .*}. */
    public boolean allows(Collection<String> scopes, String resource, String access) {
        return scopes.contains(vkpScope(resource, access)) || scopes.contains(vkpScope(resource, "*"));
    }
}
