package no.knutepunkt.model.event;

/**
 * How a municipality wants one kind of message: its place in the delivery queue, and where in the record it goes.
 *
 * @param priority    lower goes first when messages wait; the kind's default when null
 * @param journalType the EPJ's journal type for it (CosDoc's short name, e.g. {@code TJ} or {@code VJ}), added to the
 *                    delivered resources as a {@code meta.tag}; none when null
 */
public record KindRule(Integer priority, String journalType) {

    /** The code system of the journal-type tag on delivered resources. */
    public static final String JOURNAL_TYPE_SYSTEM = "https://knutepunkt.no/fhir/CodeSystem/epj-journal-type";
}
