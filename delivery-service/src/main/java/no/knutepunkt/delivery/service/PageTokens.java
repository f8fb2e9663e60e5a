package no.knutepunkt.delivery.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import no.knutepunkt.model.event.EventCodec;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The EPJ's paging links as tokens a vendor hands back through the hub ({@code _page}): the EPJ's next-page address
 * and the search it belongs to, encrypted and authenticated with a key only delivery holds. A vendor can neither read
 * the EPJ's address nor make one up, nor take a page of one patient's search into another's.
 */
final class PageTokens {

    /** How long a page can be followed: a vendor pages at once, and an EPJ keeps its search no longer. */
    static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final int NONCE = 12;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param patient the patient the search named ({@code system|value}), or null for a list
     * @param url     the EPJ's address of the page
     */
    record Page(String orgnr, String vkpId, String resource, String patient, String url, Instant expires) {

        /** Whether this page is of the search that now follows it, and still fresh. */
        boolean belongsTo(String orgnr, String vkpId, String resource, String patient, Instant now) {
            return this.orgnr.equals(orgnr) && Objects.equals(this.vkpId, vkpId) && this.resource.equals(resource)
                    && Objects.equals(this.patient, patient) && now.isBefore(expires);
        }
    }

    /** Thrown for a token that is not one of ours, or was altered. */
    static final class Invalid extends RuntimeException {
        Invalid() {
            super("not a page token of this hub", null, false, false);
        }
    }

    PageTokens(String secret) {
        try {
            // its own key, derived from delivery's secret, so that every replica opens every other's tokens
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            this.key = new SecretKeySpec(mac.doFinal("knutepunkt page tokens v1".getBytes(StandardCharsets.UTF_8)),
                    "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String seal(Page page) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = aes.doFinal(EventCodec.mapper().writeValueAsBytes(page));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(NONCE + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Page open(String token) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(token);
            if (raw.length <= NONCE + 16) {
                throw new Invalid();
            }
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, NONCE));
            return EventCodec.mapper().readValue(aes.doFinal(raw, NONCE, raw.length - NONCE), Page.class);
        } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
            throw new Invalid();
        }
    }
}
