package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A municipality blocked the flows of one patient, from every sender or from one.
 *
 * @param patientKey   the patient's keyed hash (the same pseudonym as {@link MessageReceived#patientKey()}); the
 *                     national id itself is never stored
 * @param vkpId        the sender it applies to, or null for every sender
 * @param reason       the municipality's own note; it never reaches the sender
 * @param restrictedBy the client id of who made the change
 */
@EventType("no.knutepunkt.consent.patient-restricted.v1")
public record PatientRestricted(String restrictionId, String orgnr, String patientKey, String vkpId, String reason,
        String restrictedBy, Instant restrictedAt) implements EventData {
}
