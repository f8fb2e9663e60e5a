package no.knutepunkt.model.event;

/**
 * Who sent a message: the HelseID claim {@code nhn:vkp/client/claims/vkp-id} and the HelseID client id.
 */
public record Sender(String vkpId, String clientId) {
}
