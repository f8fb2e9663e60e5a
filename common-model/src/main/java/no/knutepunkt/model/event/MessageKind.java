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
    OTHER;

    /** Delivery order when messages wait: alarms before supervision, dispenser events and routine notes. */
    public int defaultPriority() {
        return switch (this) {
            case ALARM -> 0;
            case SUPERVISION -> 1;
            case MEDICATION_DISPENSE -> 2;
            case NOTE -> 3;
            case OTHER -> 4;
        };
    }
}
