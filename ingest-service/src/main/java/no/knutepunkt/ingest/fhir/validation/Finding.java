package no.knutepunkt.ingest.fhir.validation;

import no.knutepunkt.model.fhir.VkpCode;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** One problem a rule found: which rule, what kind, VKP's code, where (FHIRPath), and in words. */
public record Finding(String rule, IssueType type, VkpCode code, String expression, String text) {
}
