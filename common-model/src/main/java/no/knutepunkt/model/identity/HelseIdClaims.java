package no.knutepunkt.model.identity;

import java.util.Collection;
import java.util.Set;

/**
 * HelseID's claim names and the scopes Knutepunkt checks by default; VKP's names are kept so that tokens work
 * unchanged. The services read them through {@link IdentitySettings}, where each can be changed.
 */
public final class HelseIdClaims {

    /** The sender of a message: VKP's id for a vendor system instance, {@code Leverandør_System_Kommune}. */
    public static final String VKP_ID = "nhn:vkp/client/claims/vkp-id";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_AMR = "client_amr";
    /** The only client authentication VKP accepts. */
    public static final String PRIVATE_KEY_JWT = "private_key_jwt";
    /** The organisation a municipality's or an EPJ's client belongs to. */
    public static final String ORGNR_PARENT = "helseid://claims/client/claims/orgnr_parent";

    /** JFT's write scope: all of JFT's write endpoints. */
    public static final String SCOPE_JFT = "nhn:jft/api";

    /** A municipality administrator of the consent register (with {@link #ORGNR_PARENT}). */
    public static final String SCOPE_CONSENT_ADMIN = "knutepunkt:consent/admin";
    /** A municipality's EPJ (with {@link #ORGNR_PARENT}): fetches the messages addressed to it and acknowledges them. */
    public static final String SCOPE_EPJ = "knutepunkt:epj";
    /** An NHN operator: routes, and reading everything. */
    public static final String SCOPE_OPERATOR = "knutepunkt:operator";

    public static final String VKP_SCOPE_PREFIX = "nhn:vkp/api/user/";

    private HelseIdClaims() {
    }

    /**
     * The scopes of a token's {@code scope} claim: a space-separated string (RFC 9068), or a JSON array of strings, as
     * IdentityServer-based issuers such as HelseID send it.
     */
    public static Set<String> scopes(Object scopeClaim) {
        if (scopeClaim instanceof Collection<?> values) {
            Set<String> scopes = new java.util.HashSet<>();
            for (Object value : values) {
                scopes.addAll(scopes(text(value)));
            }
            return Set.copyOf(scopes);
        }
        String claim = scopeClaim == null ? null : text(scopeClaim);
        return claim == null || claim.isBlank() ? Set.of() : Set.of(claim.trim().split("\\s+"));
    }

    /** A claim value as text: a JSON string value (jakarta.json's JsonString) prints with its quotes. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        return value instanceof CharSequence || text.length() < 2 || !text.startsWith("\"") || !text.endsWith("\"")
                ? text : text.substring(1, text.length() - 1);
    }

    /** The VKP scope for one resource and access, e.g. {@code nhn:vkp/api/user/bundle.write}. */
    public static String vkpScope(String resource, String access) {
        return VKP_SCOPE_PREFIX + resource + "." + access;
    }

    /** True when the scopes allow {@code access} (read or write) on {@code resource}, directly or with {@code .*}. */
    public static boolean allows(Collection<String> scopes, String resource, String access) {
        return scopes.contains(vkpScope(resource, access)) || scopes.contains(vkpScope(resource, "*"));
    }
}
