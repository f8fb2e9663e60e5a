package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * The municipality's EPJ acknowledged that the message is in the patient record.
 *
 * @param acknowledgedBy the client id of the EPJ that acknowledged
 */
@EventType("no.knutepunkt.delivery.journaled.v1")
public record MessageJournaled(String messageId, String orgnr, String acknowledgedBy, Instant journaledAt)
        implements EventData {
}
