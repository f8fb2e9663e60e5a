package no.knutepunkt.model.event;

import java.time.Instant;

/** A municipality lifted a patient restriction, with effect from {@code liftedAt}. */
@EventType("no.knutepunkt.consent.patient-restriction-lifted.v1")
public record PatientRestrictionLifted(String restrictionId, String orgnr, String reason, String liftedBy,
        Instant liftedAt) implements EventData {
}
