package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * Consent refused the read; the EPJ is never asked.
 *
 * @param vkpCode       the VKP code the vendor sees, e.g. {@code 1.2}
 * @param reason        a short explanation for the sender, without personal data
 * @param restrictionId the patient restriction that refused it, or null (never told to the sender)
 */
@EventType("no.knutepunkt.read.denied.v1")
public record ReadDenied(String readId, String orgnr, Sender sender, String vkpCode, String reason, String rule,
        String grantId, Integer grantVersion, String restrictionId, Instant decidedAt) implements EventData {

    @Override
    public String messageId() {
        return readId;
    }

    /** What the sender may be told of the rule: a patient restriction is the municipality's business alone. */
    public String ruleForSender() {
        return restrictionId == null ? rule : "consent";
    }
}
