package no.knutepunkt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.knutepunkt.model.identity.HelseIdClaims;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs RS256 access tokens shaped like HelseID's, for local runs and tests. Services verify them exactly as they
 * verify real ones: signature, issuer, audience, expiry.
 */
public final class DevTokens {

    public static final String DEFAULT_ISSUER = "https://helseid.knutepunkt.local";
    public static final String DEFAULT_AUDIENCE = "nhn:vkp";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    public DevTokens(PrivateKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** The local issuer of a run started by {@code ./knutepunkt} (keys in {@code KNUTEPUNKT_KEYS}). */
    public static DevTokens fromEnvironment() {
        return Main.tokens();
    }

    /** Claims every token has; callers add or override the rest. */
    public Map<String, Object> baseClaims(String clientId, List<String> scopes) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", clientId);
        claims.put(HelseIdClaims.CLIENT_ID, clientId);
        claims.put(HelseIdClaims.CLIENT_AMR, HelseIdClaims.PRIVATE_KEY_JWT);
        claims.put("scope", String.join(" ", scopes));
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 300);
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    /** A vendor system: its vkp-id is the sender of what it posts. */
    public String vendor(String vkpId, List<String> scopes) {
        Map<String, Object> claims = baseClaims(vkpId.toLowerCase() + "-client", scopes);
        claims.put(HelseIdClaims.VKP_ID, vkpId);
        return sign(claims);
    }

    /** A municipality's administrator of the consent register, bound to its orgnr. */
    public String municipalityAdmin(String orgnr) {
        Map<String, Object> claims = baseClaims("kommune-" + orgnr + "-admin", List.of(HelseIdClaims.SCOPE_CONSENT_ADMIN));
        claims.put(HelseIdClaims.ORGNR_PARENT, orgnr);
        return sign(claims);
    }

    /** A municipality's EPJ system, bound to its orgnr. */
    public String epj(String orgnr) {
        Map<String, Object> claims = baseClaims("kommune-" + orgnr + "-epj", List.of(HelseIdClaims.SCOPE_EPJ));
        claims.put(HelseIdClaims.ORGNR_PARENT, orgnr);
        return sign(claims);
    }

    public String operator() {
        return sign(baseClaims("nhn-operator", List.of(HelseIdClaims.SCOPE_OPERATOR)));
    }

    public String sign(Map<String, Object> claims) {
        return sign(claims, key, "RS256");
    }

    /** Signs with any key; tests use it to forge tokens the services must refuse. */
    public static String sign(Map<String, Object> claims, PrivateKey key, String alg) {
        return sign(Map.of("alg", alg, "typ", "at+jwt", "kid", "knutepunkt-dev"), claims, key);
    }

    /** Signs with this issuer's key under a header of the caller's (another {@code typ}, say). */
    public String signWithHeader(Map<String, Object> header, Map<String, Object> claims) {
        return sign(header, claims, key);
    }

    /** Signs with a key of the caller's under a header of the caller's: another issuer's, with its own kid. */
    public static String sign(Map<String, Object> headerFields, Map<String, Object> claims, PrivateKey key) {
        try {
            String header = B64.encodeToString(JSON.writeValueAsBytes(headerFields));
            String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
            String input = header + "." + payload;
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
