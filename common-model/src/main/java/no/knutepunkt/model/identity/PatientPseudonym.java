package no.knutepunkt.model.identity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * A keyed hash of a patient identifier. It is the event subject and the Kafka key, so that one patient's events stay
 * in order on one partition, while no national id ever appears in keys, headers, logs or metrics. Without the secret
 * the key cannot be turned back into the identifier, nor guessed by hashing all 11-digit numbers.
 */
public final class PatientPseudonym {

    private final SecretKeySpec key;

    public PatientPseudonym(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the pseudonym secret must have at least 16 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** 32 hex characters (128 bits) of HMAC-SHA256 over {@code system|value}. */
    public String of(String system, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((system + "|" + value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of a person by national id alone: the system a message would name for it (D-nummer or FNR). */
    public String ofNationalId(String nationalId) {
        return of(NationalId.isDNumber(nationalId) ? NationalId.DNR_SYSTEM : NationalId.FNR_SYSTEM, nationalId);
    }
}
