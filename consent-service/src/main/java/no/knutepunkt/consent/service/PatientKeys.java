package no.knutepunkt.consent.service;

import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.NationalId;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Turns a national id given to the API into the patient key messages carry. The id is checked and hashed at once;
 * it is never stored, logged or returned.
 */
@ApplicationScoped
public class PatientKeys {

    private final PatientPseudonym pseudonym;

    public PatientKeys(ConsentConfig config) {
        this.pseudonym = new PatientPseudonym(config.pseudonymSecret());
    }

    public String of(String nationalId, String rule) {
        if (!NationalId.hasValidCheckDigits(nationalId)) {
            throw new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID_SSN, rule,
                    "nationalId must be a fødselsnummer or D-nummer with valid check digits"));
        }
        return pseudonym.ofNationalId(nationalId);
    }
}
