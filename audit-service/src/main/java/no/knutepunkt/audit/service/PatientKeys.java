package no.knutepunkt.audit.service;

import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.NationalId;
import no.knutepunkt.model.identity.PatientPseudonym;
import no.knutepunkt.model.rest.Rejection;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** A patient asked for by national id, as the hub knows them: by ingest's patient key, hashed at once. */
@ApplicationScoped
public class PatientKeys {

    private final PatientPseudonym pseudonym;

    public PatientKeys(@ConfigProperty(name = "audit.pseudonym-secret") String pseudonymSecret) {
        this.pseudonym = new PatientPseudonym(pseudonymSecret);
    }

    /** The patient key of a fødselsnummer or D-nummer; 400 (VKP 2.1) when it is not one. */
    public String of(String nationalId) {
        if (nationalId == null || !NationalId.hasValidCheckDigits(nationalId)) {
            throw new Rejection(400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID_SSN, "audit-patient",
                    "patient must be a fødselsnummer or D-nummer with valid check digits"));
        }
        return pseudonym.ofNationalId(nationalId);
    }
}
