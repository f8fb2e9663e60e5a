package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * Consent allowed the read: the grant holds the resource's read scope and every ServiceCode asked for, and the
 * municipality's partner profile says which of its EPJ's services they mean. It carries the request on, so that
 * routing reads one topic only.
 *
 * @param servicePatterns the EPJ service codes (with {@code %} wildcards) a patient must have an active service of
 * @param profileVersion  the partner profile's version they come from
 */
@EventType("no.knutepunkt.read.authorized.v1")
public record ReadAuthorized(String readId, String orgnr, Sender sender, String resource, List<String> serviceCodes,
        String patientKey, String query, String rule, String grantId, int grantVersion, List<String> servicePatterns,
        int profileVersion, Instant decidedAt, Instant answerBy) implements EventData {

    @Override
    public String messageId() {
        return readId;
    }
}
