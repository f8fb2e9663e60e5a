package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * A vendor's message passed parsing and is durably accepted. The payload is the FHIR JSON exactly as received; it is
 * the only event that every later stage can trace back to.
 *
 * @param channel       the API surface and resource it came in on, e.g. {@code vkp-r4/bundle} (plain {@code vkp-r4}
 *                      in early events means a bundle)
 * @param resourceTypes the resource types in the message, in order
 * @param patientKey    pseudonymous key of the patient (never a national id), also the Kafka key
 * @param payloadSha256 SHA-256 of the payload's canonical JSON (keys sorted, no whitespace, plain numbers), so that a
 *                      re-serialized copy has the same one; of the bytes as received before 2026-12
 * @param idempotencyKey keyed hash of sender, municipality and the vendor's Idempotency-Key or Bundle.identifier;
 *                      null when the message had neither (added in a later release: absent in early events; an unkeyed
 *                      SHA-256 before 2026-12)
 *                      <p>Events before 2026-12 also carry {@code businessId}, the Bundle's identifier in clear. It is
 *                      no longer written: a vendor may put a national id there, and the log keeps everything forever
 *                      (its value is inside the sealed payload, and the keyed hash above serves lookups).
 */
@EventType("no.knutepunkt.message.received.v1")
public record MessageReceived(String messageId, String orgnr, Sender sender, String channel, MessageKind kind,
        List<String> resourceTypes, String patientKey, String payloadSha256, String payload,
        Instant receivedAt, String idempotencyKey) implements EventData {

    /** The lowercase resource the sender wrote, which its scopes must allow: {@code bundle}, {@code encounter}, … */
    public String writtenResource() {
        int slash = channel == null ? -1 : channel.indexOf('/');
        return slash < 0 ? "bundle" : channel.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
