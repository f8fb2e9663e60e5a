package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A municipality set its partner profile: for each ServiceCode, the service codes of its own EPJ that mean it, with
 * {@code %} as a wildcard (GPS → {@code %.2.3}). A read for a ServiceCode returns only patients with an active
 * service of those codes. Each change is a new version; the history is the register topic.
 *
 * @param serviceCodes ServiceCode (upper case) → the EPJ's service code patterns
 * @param changedBy    the client id of the administrator who changed it
 */
@EventType("no.knutepunkt.consent.partner-profile-changed.v1")
public record PartnerProfileChanged(String orgnr, int version, Map<String, List<String>> serviceCodes,
        String changedBy, Instant changedAt) implements EventData {
}
