package no.knutepunkt.consent.service;

import no.knutepunkt.consent.Grant;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides one received message from the grants of its sender at its municipality, as they stood when the message
 * was received. Every outcome names the rule that decided and the grant it looked at.
 */
public final class ConsentDecider {

    private ConsentDecider() {
    }

    public static EventData decide(MessageReceived message, List<Grant> grants) {
        Instant at = message.receivedAt();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Optional<Grant> active = grants.stream().filter(g -> "active".equals(g.stateAt(at))).findFirst();
        if (active.isPresent()) {
            Grant grant = active.get();
            if (!HelseIdClaims.allows(grant.scopeList(), message.writtenResource(), "write")) {
                return denied(message, VkpCode.NOT_ALLOWED, "grant-scope", grant.grantId,
                        "the grant does not allow writing " + message.writtenResource(), now);
            }
            return new MessageAuthorized(message.messageId(), message.orgnr(), message.sender(), message.kind(),
                    "grant-active", grant.grantId, grant.version, message.payload(), now);
        }
        // explain with the most recently changed grant, if there is one
        Optional<Grant> latest = grants.stream().max(Comparator.comparing(g -> g.changedAt));
        if (latest.isEmpty()) {
            return denied(message, VkpCode.NOT_ALLOWED, "no-grant", null,
                    "no grant for sender " + message.sender().vkpId() + " at municipality " + message.orgnr(), now);
        }
        Grant grant = latest.get();
        String state = grant.stateAt(at);
        return denied(message, VkpCode.NOT_ACTIVE, "grant-" + state, grant.grantId,
                "the grant for sender " + message.sender().vkpId() + " is " + state, now);
    }

    private static MessageDenied denied(MessageReceived m, VkpCode code, String rule, String grantId, String reason,
            Instant now) {
        return new MessageDenied(m.messageId(), m.orgnr(), m.sender(), code.code(), reason, rule, grantId, now);
    }
}
