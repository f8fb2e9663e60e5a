package no.knutepunkt.model.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/**
 * OperationOutcomes with VKP codes: every error a caller sees names the FHIR issue type, the VKP code, a stable rule
 * id and, where there is one, the FHIRPath of the offending element.
 */
public final class Outcomes {

    /** Extension carrying the stable id of the rule that raised an issue. */
    public static final String RULE_EXTENSION = "https://knutepunkt.no/fhir/StructureDefinition/rule-id";
    /** Extension carrying the message id the outcome is about. */
    public static final String MESSAGE_ID_EXTENSION = "https://knutepunkt.no/fhir/StructureDefinition/message-id";

    /** Longest diagnostics text an issue carries: an answer must not grow with what a hostile value expands to. */
    public static final int MAX_DIAGNOSTICS = 1000;

    private Outcomes() {
    }

    /** The text, cut to {@code max} characters with an ellipsis; null stays null. */
    public static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }

    public static OperationOutcome of(IssueSeverity severity, IssueType type, VkpCode code, String rule,
            String expression, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        addIssue(outcome, severity, type, code, rule, expression, diagnostics);
        return outcome;
    }

    public static OperationOutcome error(IssueType type, VkpCode code, String rule, String diagnostics) {
        return of(IssueSeverity.ERROR, type, code, rule, null, diagnostics);
    }

    public static void addIssue(OperationOutcome outcome, IssueSeverity severity, IssueType type, VkpCode code,
            String rule, String expression, String diagnostics) {
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(severity)
                .setCode(type)
                .setDiagnostics(bounded(diagnostics, MAX_DIAGNOSTICS));
        issue.setDetails(new CodeableConcept(new Coding(VkpCode.SYSTEM, code.code(), code.display())));
        if (rule != null) {
            issue.addExtension(RULE_EXTENSION, new StringType(rule));
        }
        if (expression != null) {
            issue.addExpression(bounded(expression, MAX_DIAGNOSTICS));
        }
    }

    public static String toJson(OperationOutcome outcome) {
        return Fhir.jsonParser().encodeResourceToString(outcome);
    }

    public static OperationOutcome fromJson(String json) {
        return Fhir.jsonParser().parseResource(OperationOutcome.class, json);
    }
}
