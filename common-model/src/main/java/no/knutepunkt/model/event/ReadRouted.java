package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * Routing chose the EPJ that answers the municipality's reads, by its route's version.
 *
 * @param servicePatterns as consent authorized them: the EPJ services a patient must have one of, active
 */
@EventType("no.knutepunkt.read.routed.v1")
public record ReadRouted(String readId, String orgnr, Sender sender, String resource, List<String> serviceCodes,
        String patientKey, String query, List<String> servicePatterns, Destination destination, int routeVersion,
        Instant routedAt, Instant answerBy) implements EventData {

    @Override
    public String messageId() {
        return readId;
    }
}
