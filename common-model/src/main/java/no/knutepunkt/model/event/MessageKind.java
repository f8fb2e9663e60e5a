package no.knutepunkt.model.event;

/** What a message is about, derived from its resources. Used for routing rules, priorities and metrics. */
public enum MessageKind {
    /** A successful dispense: MedicationDispense. */
    MEDICATION_DISPENSE,
    /** An alarm or deviation: DetectedIssue, usually with Encounter and Composition. */
    ALARM,
    /** Digital supervision: Encounter without DetectedIssue. */
    SUPERVISION,
    /** A note only: Composition. */
    NOTE,
    OTHER
}
