package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;

/**
 * A vendor system asked to read from a municipality's EPJ (VKP's {@code POST /epj/r4/{orgnr}/{resource}/_search}).
 * Its request waits at ingest for the answer until {@code answerBy}; later stages do nothing for it after that.
 *
 * @param readId       the read's id, its correlation id through every stage
 * @param resource     VKP's lowercase resource, e.g. {@code careplan}, whose {@code .read} scope the sender held
 * @param serviceCodes the ServiceCodes the read is for (RT, TA, GPS, MD, DT, DHO), upper case
 * @param patientKey   pseudonymous key of the patient asked for, or null for a list search (then the read id is the
 *                     Kafka key)
 * @param query        the FHIR search parameters, form-encoded; sealed (the payload vault, under the patient's key)
 *                     when they name a patient, since they then hold a national id
 */
@EventType("no.knutepunkt.read.requested.v1")
public record ReadRequested(String readId, String orgnr, Sender sender, String resource, List<String> serviceCodes,
        String patientKey, String query, Instant requestedAt, Instant answerBy) implements EventData {

    @Override
    public String messageId() {
        return readId;
    }
}
