package no.knutepunkt.model.event;

/**
 * Where a municipality's messages go. Credentials are named by reference only, never carried in events.
 *
 * @param epjProduct     CosDoc, Gerica, Profil, Helseplattformen or generic FHIR
 * @param mode           push, pull or both
 * @param endpoint       FHIR base URL of the EPJ for push
 * @param credentialsRef name of the secret that holds the EPJ client credentials, or null
 */
public record Destination(String epjProduct, String mode, String endpoint, String credentialsRef) {
}
