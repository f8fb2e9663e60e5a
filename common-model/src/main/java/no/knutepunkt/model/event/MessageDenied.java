package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Consent denied the message; it goes no further.
 *
 * @param vkpCode the VKP operation-outcome code a vendor sees, e.g. {@code 1.2}
 * @param reason  a short explanation without personal data
 * @param rule    the rule that decided, e.g. {@code no-grant}
 * @param grantId the grant looked at, or null when there was none
 */
@EventType("no.knutepunkt.consent.denied.v1")
public record MessageDenied(String messageId, String orgnr, Sender sender, String vkpCode, String reason,
        String rule, String grantId, Instant decidedAt) implements EventData {
}
