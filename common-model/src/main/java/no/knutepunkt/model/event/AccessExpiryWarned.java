package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A grant will soon end: the municipality and the sender should renew it or let it lapse. Published once per grant
 * version, when its end comes within the warning period.
 */
@EventType("no.knutepunkt.consent.expiry-warned.v1")
public record AccessExpiryWarned(String grantId, int version, String orgnr, String vkpId, Instant validTo,
        Instant warnedAt) implements EventData {
}
