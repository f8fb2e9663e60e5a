package no.knutepunkt.model.event;

import java.time.Instant;

/** A municipality revoked a grant, with effect from {@code revokedAt}. */
@EventType("no.knutepunkt.consent.revoked.v1")
public record AccessRevoked(String grantId, int version, String orgnr, String vkpId, String reason,
        String revokedBy, Instant revokedAt) implements EventData {
}
