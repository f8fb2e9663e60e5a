package no.knutepunkt.ingest.fhir.validation;

import ca.uhn.fhir.parser.IParserErrorHandler.IParseLocation;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import no.knutepunkt.model.fhir.VkpCode;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.ArrayList;
import java.util.List;

/** Collects what HAPI's parser notices, as findings with rule ids, instead of logging or throwing. */
public class ParseFindings extends LenientErrorHandler {

    private final List<Finding> findings = new ArrayList<>();

    public ParseFindings() {
        super(false);
        setErrorOnInvalidValue(false);
    }

    public List<Finding> findings() {
        return findings;
    }

    private static String where(IParseLocation location, String element) {
        String parent = location == null ? null : location.getParentElementName();
        return parent == null ? element : parent + "." + element;
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
        findings.add(new Finding("fhir-unknown-element", IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                where(location, elementName), "unknown element " + elementName));
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
        unknownElement(location, attributeName);
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
        boolean empty = value == null || value.isEmpty();
        findings.add(new Finding(empty ? "fhir-empty-string" : "fhir-invalid-value", IssueType.VALUE,
                VkpCode.INVALID_FORMAT, where(location, "value"),
                empty ? "an empty string where FHIR wants a value or nothing" : "invalid value: " + error));
    }

    @Override
    public void incorrectJsonType(IParseLocation location, String elementName, ValueType expected,
            ScalarType expectedScalar, ValueType found, ScalarType foundScalar) {
        findings.add(new Finding("fhir-json-type", IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                where(location, elementName), elementName + " should be " + expected + ", not " + found));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
        findings.add(new Finding("fhir-json-type", IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                where(location, elementName), elementName + " repeats but may occur once"));
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String elementName) {
        findings.add(new Finding("fhir-required-element", IssueType.REQUIRED, VkpCode.INVALID,
                where(location, elementName), "required element " + elementName + " is missing"));
    }
}
