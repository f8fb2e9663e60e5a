package no.knutepunkt.model.crypto;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * Payloads on the log are sealed with a key of their own municipality and patient, held here, outside the log: erasing
 * that key (crypto-shredding) makes every payload it sealed unreadable, while the events themselves, and so the hash
 * chain over them, stay as they were. A sealed payload reads {@code kp-sealed:v1:<key id>:<base64 of nonce and
 * AES-256-GCM ciphertext>}, bound to its message id; the key id names a key, it is not one. The data keys are stored
 * wrapped by a master key that only the services hold, so a copy of the vault's database alone opens nothing.
 * Payloads written before sealing existed are plain FHIR JSON and read as they are.
 */
public final class PayloadVault {

    public static final String PREFIX = "kp-sealed:v1:";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final SecretKey master;

    /** @param masterKey base64 of 32 bytes; null when this service only erases (it then can neither seal nor open) */
    public PayloadVault(Pool pool, String masterKey) {
        this.pool = pool;
        this.master = masterKey == null || masterKey.isBlank() ? null : aesKey(Base64.getDecoder().decode(masterKey.trim()));
    }

    /** A payload that cannot be opened because its key was erased. */
    public static final class Erased extends RuntimeException {
        public Erased(String keyId) {
            super("the payload's key " + keyId + " was erased (crypto-shredded)");
        }
    }

    /** What an erasure did: the keys it erased (none when the patient's payloads were already unreadable). */
    public record Erasure(int keysErased) {
    }

    public static boolean isSealed(String payload) {
        return payload != null && payload.startsWith(PREFIX);
    }

    /** Creates the vault's table once; every service that uses the vault calls it at start. */
    public Uni<Void> ensureSchema() {
        return pool.withTransaction(c -> c.query("SELECT pg_advisory_xact_lock(7302011)").execute()
                .chain(() -> c.query("""
                        CREATE TABLE IF NOT EXISTS payload_keys (
                          key_id text PRIMARY KEY,
                          orgnr text NOT NULL,
                          patient_key text NOT NULL,
                          wrapped text,
                          created_at timestamptz NOT NULL,
                          erased_at timestamptz)""").execute())
                .chain(() -> c.query("""
                        CREATE UNIQUE INDEX IF NOT EXISTS payload_keys_current
                          ON payload_keys (orgnr, patient_key) WHERE erased_at IS NULL""").execute()))
                .replaceWithVoid();
    }

    /** Seals a payload with the municipality's current key for the patient, made at the patient's first message. */
    public Uni<String> seal(String orgnr, String patientKey, String messageId, String payload) {
        return sealAll(orgnr, patientKey, messageId, java.util.List.of(payload)).map(sealed -> sealed.get(0));
    }

    /** Seals several texts of one message (e.g. validator findings that may quote its values) with one key look-up. */
    public Uni<java.util.List<String>> sealAll(String orgnr, String patientKey, String messageId,
            java.util.List<String> payloads) {
        return currentKey(orgnr, patientKey).map(key -> payloads.stream().map(payload -> {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            byte[] sealed = crypt(Cipher.ENCRYPT_MODE, key.secret(), nonce, aad(key.id(), messageId),
                    payload.getBytes(StandardCharsets.UTF_8));
            return PREFIX + key.id() + ":" + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        }).toList());
    }

    /** The payload as it was received; fails with {@link Erased} when its key was erased. */
    public Uni<String> open(String messageId, String payload) {
        if (!isSealed(payload)) {
            return Uni.createFrom().item(payload);
        }
        int colon = payload.indexOf(':', PREFIX.length());
        String keyId = payload.substring(PREFIX.length(), colon);
        byte[] sealed = Base64.getDecoder().decode(payload.substring(colon + 1));
        return pool.preparedQuery("SELECT wrapped FROM payload_keys WHERE key_id = $1").execute(Tuple.of(keyId))
                .map(rows -> {
                    Row row = first(rows);
                    String wrapped = row == null ? null : row.getString("wrapped");
                    if (wrapped == null) {
                        throw new Erased(keyId);
                    }
                    byte[] plain = crypt(Cipher.DECRYPT_MODE, unwrap(keyId, wrapped),
                            java.util.Arrays.copyOf(sealed, NONCE_BYTES), aad(keyId, messageId),
                            java.util.Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length));
                    return new String(plain, StandardCharsets.UTF_8);
                });
    }

    /**
     * Erases every key of the patient at the municipality: what they sealed cannot be opened again. The patient's
     * next message gets a new key. The table is vacuumed so that the erased keys do not linger in dead rows.
     */
    public Uni<Erasure> erase(String orgnr, String patientKey) {
        return erase(orgnr, patientKey, true);
    }

    /**
     * As {@link #erase(String, String)}; without the vacuum, the erased key's old row lingers until autovacuum takes
     * it. For a key that only guarded what was already handed over (a read's result, once answered), where a vacuum
     * per read would cost more than the row's short life risks.
     */
    public Uni<Erasure> erase(String orgnr, String patientKey, boolean vacuum) {
        return pool.preparedQuery("""
                UPDATE payload_keys SET wrapped = NULL, erased_at = now()
                WHERE orgnr = $1 AND patient_key = $2 AND erased_at IS NULL RETURNING key_id""")
                .execute(Tuple.of(orgnr, patientKey))
                // a vacuum that fails (another role owns the table) leaves the dead rows to autovacuum
                .call(() -> vacuum ? pool.query("VACUUM payload_keys").execute().onFailure().recoverWithNull()
                        : Uni.createFrom().voidItem())
                .map(rows -> new Erasure(rows.rowCount()));
    }

    private record Key(String id, SecretKey secret) {
    }

    private Uni<Key> currentKey(String orgnr, String patientKey) {
        return findCurrent(orgnr, patientKey).chain(found -> {
            if (found != null) {
                return Uni.createFrom().item(found);
            }
            String keyId = UUID.randomUUID().toString();
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            return pool.preparedQuery("""
                    INSERT INTO payload_keys (key_id, orgnr, patient_key, wrapped, created_at)
                    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""")
                    .execute(Tuple.of(keyId, orgnr, patientKey, wrap(keyId, secret),
                            OffsetDateTime.now(ZoneOffset.UTC)))
                    // another request made the patient's key at the same moment: use that one
                    .chain(inserted -> inserted.rowCount() == 1 ? Uni.createFrom().item(new Key(keyId, aesKey(secret)))
                            : findCurrent(orgnr, patientKey));
        });
    }

    private Uni<Key> findCurrent(String orgnr, String patientKey) {
        return pool.preparedQuery("""
                SELECT key_id, wrapped FROM payload_keys
                WHERE orgnr = $1 AND patient_key = $2 AND erased_at IS NULL""")
                .execute(Tuple.of(orgnr, patientKey))
                .map(PayloadVault::first)
                .map(row -> row == null ? null : new Key(row.getString("key_id"),
                        unwrap(row.getString("key_id"), row.getString("wrapped"))));
    }

    private static Row first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    private String wrap(String keyId, byte[] secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] wrapped = crypt(Cipher.ENCRYPT_MODE, master(), nonce, aad(keyId, "wrap"), secret);
        return Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(nonce.length + wrapped.length).put(nonce).put(wrapped).array());
    }

    private SecretKey unwrap(String keyId, String wrapped) {
        byte[] bytes = Base64.getDecoder().decode(wrapped);
        return aesKey(crypt(Cipher.DECRYPT_MODE, master(), java.util.Arrays.copyOf(bytes, NONCE_BYTES),
                aad(keyId, "wrap"), java.util.Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length)));
    }

    private SecretKey master() {
        if (master == null) {
            throw new IllegalStateException("no payload master key is configured (KNUTEPUNKT_VAULT_MASTER_KEY)");
        }
        return master;
    }

    private static byte[] aad(String keyId, String boundTo) {
        return (keyId + "|" + boundTo).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey aesKey(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a payload key has 32 bytes (AES-256)");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static byte[] crypt(int mode, SecretKey key, byte[] nonce, byte[] aad, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a payload could not be " + (mode == Cipher.ENCRYPT_MODE
                    ? "sealed" : "opened: it was altered, or sealed under another master key"), e);
        }
    }
}
