package no.knutepunkt.model.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The EPJ answered the read, and this is what was disclosed to the sender: the record of the disclosure stays on
 * the log; the result itself is sealed (see {@code result}).
 *
 * @param disclosed   how many resources of each FHIR type the answer holds
 * @param patientKeys the pseudonymous keys of the patients the answer is about
 * @param result      the searchset Bundle, sealed: under the patient's key for a read of one patient (so the
 *                    patient's erasure covers it), else under a key of the read's own that ingest erases once it
 *                    has answered
 * @param epjMillis   how long the EPJ took to answer the hub's requests for the read (the active services and the
 *                    search), so that the hub's own share of a read's time can be told
 */
@EventType("no.knutepunkt.read.answered.v1")
public record ReadAnswered(String readId, String orgnr, Sender sender, String resource, String patientKey,
        Map<String, Integer> disclosed, List<String> patientKeys, String result, long epjMillis, Instant answeredAt)
        implements EventData {

    @Override
    public String messageId() {
        return readId;
    }
}
