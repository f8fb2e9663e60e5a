package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Consent denied the message; it goes no further.
 *
 * @param vkpCode       the VKP operation-outcome code a vendor sees, e.g. {@code 1.2}
 * @param reason        a short explanation for the sender, without personal data
 * @param rule          the rule that decided, e.g. {@code no-grant}
 * @param grantId       the grant looked at, or null when there was none
 * @param grantVersion  the version of that grant as it stood when the message was received (added later: absent in
 *                      early events)
 * @param restrictionId the patient restriction that denied it, or null (added later: absent in early events)
 */
@EventType("no.knutepunkt.consent.denied.v1")
public record MessageDenied(String messageId, String orgnr, Sender sender, String vkpCode, String reason,
        String rule, String grantId, Instant decidedAt, Integer grantVersion, String restrictionId)
        implements EventData {

    /** What the sender may be told of the rule: a patient restriction is the municipality's business alone. */
    public String ruleForSender() {
        return restrictionId == null ? rule : "consent";
    }
}
