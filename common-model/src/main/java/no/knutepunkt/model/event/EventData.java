package no.knutepunkt.model.event;

/**
 * The payload of an event: a past-tense fact. Every permitted record carries an {@link EventType}; the list below
 * is the catalogue of all events in Knutepunkt.
 */
public sealed interface EventData permits MessageReceived, MessageAuthorized, MessageDenied, MessageRouted,
        MessageUnroutable, MessageDelivered, DeliveryFailed, DeliveryAttemptFailed, MessageJournaled, DeliveryPaused,
        DeliveryResumed, DeadLetterHandled, AccessGranted, AccessRevoked, AccessExpiryWarned,
        PatientRestricted, PatientRestrictionLifted, RouteRegistered, MessageValidated, PatientPayloadsErased,
        RedriveRequested, MessageRedriven, RedriveEnded, ReadRequested, ReadAuthorized, ReadDenied, ReadRouted,
        ReadAnswered, ReadFailed, ReadRefused, PartnerProfileChanged {

    /** The message (correlation) id this fact belongs to, or null for register changes. */
    default String messageId() {
        return null;
    }
}
