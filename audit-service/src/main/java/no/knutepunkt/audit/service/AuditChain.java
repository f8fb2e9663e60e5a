package no.knutepunkt.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import no.knutepunkt.model.event.EventCodec;

import java.io.IOException;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain of one log partition: each event's hash, and a chain hash over the previous chain hash and it, so
 * that altering, removing or reordering any event changes every chain hash after it.
 */
public final class AuditChain {

    /** The chain hash before a partition's first event. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String eventHash(String value) {
        return sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String next(String previousChainHash, String eventHash) {
        return sha256((previousChainHash + eventHash).getBytes(StandardCharsets.US_ASCII));
    }

    /** The envelope as the trail keeps it: everything but the payload (the vendor's FHIR, with personal data). */
    public static ObjectNode withoutPayload(String value) {
        try {
            ObjectNode envelope = (ObjectNode) EventCodec.mapper().readTree(value);
            JsonNode data = envelope.path("data");
            // what is sealed stays on the log only: a message's payload, a read's query and result
            if (data instanceof ObjectNode d && (d.has("payload") || d.has("query") || d.has("result"))) {
                d.remove(List.of("payload", "query", "result"));
                d.put("payloadLeftOut", true);
            }
            return envelope;
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("an event on the log is not a JSON envelope", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
