package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * The deep validation of a received message (HAPI's instance validator against the VKP profiles), done off the
 * request path. It changes nothing about the message's journey; it tells the sender what the fast path let pass.
 *
 * @param validator what validated, e.g. {@code hapi-fhir-validation 8.8.1 + vkp-r4-conformance 0.9.0}
 * @param findings  errors and warnings, each with where and what; the text is sealed like a payload
 *                  ({@code kp-sealed:v1:…}, since 2026-12), as a validator's text may quote the message's values
 */
@EventType("no.knutepunkt.validation.validated.v1")
public record MessageValidated(String messageId, String orgnr, String validator, int errors, int warnings,
        List<Issue> findings, Instant validatedAt) implements EventData {

    /** One finding of the validator. */
    public record Issue(String severity, String rule, String expression, String text) {
    }
}
