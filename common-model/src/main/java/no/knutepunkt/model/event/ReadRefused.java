package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * Ingest refused a vendor's read at the door, before it was asked of consent: the token lacks the read's scope or
 * is not a vendor system's, or the ServiceCodes or the search parameters are missing or invalid. It is on the log so
 * that the municipality's access log shows every attempt to read its patients, not only the reads that were asked.
 *
 * @param sender       who asked; {@code vkpId} is null when the token has none
 * @param serviceCodes the known ServiceCodes the request named, upper case (perhaps none)
 * @param patientKey   pseudonymous key of the patient the search named, when it named a valid national id, else null
 * @param status       the HTTP status the vendor was answered with (400 or 403)
 * @param vkpCode      the VKP code of that answer
 * @param rule         the rule that refused it; the answer's text is not kept, since it may echo what the vendor sent
 */
@EventType("no.knutepunkt.read.refused.v1")
public record ReadRefused(String readId, String orgnr, Sender sender, String resource, List<String> serviceCodes,
        String patientKey, int status, String vkpCode, String rule, Instant refusedAt)
        implements EventData {

    @Override
    public String messageId() {
        return readId;
    }
}
