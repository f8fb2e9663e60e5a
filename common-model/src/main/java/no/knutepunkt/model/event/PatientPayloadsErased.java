package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A municipality had a patient's payloads erased: the keys that sealed them are destroyed outside the log, so those
 * payloads can no longer be read anywhere, while this event and every other stays on the log and in the hash chain.
 *
 * @param erasureId  this erasure, as answered to the one who asked
 * @param patientKey the patient's pseudonymous key (never a national id, never a key)
 * @param reason     why, in the words of who asked (no personal data)
 */
@EventType("no.knutepunkt.retention.payloads-erased.v1")
public record PatientPayloadsErased(String erasureId, String orgnr, String patientKey, String reason,
        String erasedBy, Instant erasedAt) implements EventData {
}
