package no.knutepunkt.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.ingest.fhir.validation.Finding;
import no.knutepunkt.ingest.fhir.validation.ParseFindings;
import no.knutepunkt.ingest.fhir.validation.RuleSet;
import no.knutepunkt.ingest.fhir.validation.TextRules;
import no.knutepunkt.ingest.fhir.validation.VkpRules;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.fhir.Fhir;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a vendor wrote: a bounded scan of the JSON, HAPI's parser (whose complaints become findings), then the
 * VKP rules. The deployment's rule set decides which findings refuse the message and which are warnings in the
 * answer. All findings of a message are reported at once.
 */
@ApplicationScoped
public class BundleInspector {

    /** Issues listed in one answer at most. */
    static final int MAX_ISSUES = 100;

    private final RuleSet rules;
    private final VkpRules.Environment environment;
    private final int maxDepth;
    private final int maxEntries;

    @jakarta.inject.Inject
    public BundleInspector(IngestConfig config) {
        this(RuleSet.named(config.validation().ruleSet(), config.validation().modes().orElse(List.of())),
                VkpRules.Environment.valueOf(config.validation().environment().toUpperCase()),
                config.limits().maxDepth(), config.limits().maxEntries());
    }

    public BundleInspector(RuleSet rules, VkpRules.Environment environment, int maxDepth, int maxEntries) {
        this.rules = rules;
        this.environment = environment;
        this.maxDepth = maxDepth;
        this.maxEntries = maxEntries;
        // the first parse builds HAPI's model (seconds); do it at start-up, not in a vendor's request
        Fhir.strictJsonParser().parseResource(Bundle.class, "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    }

    /** What ingest needs to know of a message, and the warnings to give the sender. */
    public record Inspection(MessageKind kind, List<String> resourceTypes, String businessId, Identifier patient,
            OperationOutcome warnings) {
    }

    public String ruleSet() {
        return rules.name();
    }

    /** Inspects a body written to the endpoint of {@code expectedType} (a Bundle, or one resource). */
    public Inspection inspect(String body, String expectedType) {
        List<Finding> findings = new ArrayList<>();
        Resource written = parse(body, findings);
        if (!written.fhirType().equals(expectedType)) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "resource-type", written.fhirType(),
                    "this endpoint takes " + expectedType + ", not " + written.fhirType()));
        }
        List<Resource> resources = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        if (written instanceof Bundle bundle) {
            if (bundle.getEntry().isEmpty()) {
                findings.add(new Finding("bundle-entry", IssueType.REQUIRED, VkpCode.INVALID, "Bundle.entry",
                        "the Bundle has no entries"));
            }
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                Resource resource = bundle.getEntry().get(i).getResource();
                if (resource == null) {
                    findings.add(new Finding("bundle-entry-resource", IssueType.REQUIRED, VkpCode.INVALID_FORMAT,
                            "Bundle.entry[" + i + "].resource", "the entry has no resource that FHIR R4 knows"));
                    continue;
                }
                resources.add(resource);
                paths.add("Bundle.entry[" + i + "].resource");
            }
            VkpRules.checkBundle(bundle, findings);
            TextRules.check(bundle.getIdentifier(), "Bundle.identifier", findings);
        } else {
            resources.add(written);
            paths.add(written.fhirType());
        }
        List<String> types = new ArrayList<>();
        Identifier patient = null;
        for (int i = 0; i < resources.size(); i++) {
            types.add(resources.get(i).fhirType());
            Identifier named = VkpRules.check(resources.get(i), paths.get(i), environment, findings);
            patient = patient == null ? named : patient;
            TextRules.check(resources.get(i), paths.get(i), findings);
        }
        if (patient == null && findings.stream().noneMatch(f -> f.code() == VkpCode.INVALID_SSN)) {
            findings.add(new Finding("vkp-patient-present", IssueType.REQUIRED, VkpCode.INVALID_SSN, expectedType,
                    "the message names no patient (in MedicationDispense, DetectedIssue, Encounter or Composition)"));
        }
        OperationOutcome errors = new OperationOutcome();
        OperationOutcome warnings = new OperationOutcome();
        int told = 0;
        for (Finding f : findings) {
            if (rules.modeOf(f.rule()) != RuleSet.Mode.OFF && ++told > MAX_ISSUES) {
                // an answer says what is wrong, it does not grow with the body
                Outcomes.addIssue(errors.getIssue().isEmpty() ? warnings : errors, IssueSeverity.INFORMATION,
                        IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, "issue-count", null,
                        "only the first " + MAX_ISSUES + " problems are listed");
                break;
            }
            switch (rules.modeOf(f.rule())) {
                case ENFORCE -> Outcomes.addIssue(errors, IssueSeverity.ERROR, f.type(), f.code(), f.rule(),
                        f.expression(), f.text());
                case WARN -> Outcomes.addIssue(warnings, IssueSeverity.WARNING, f.type(), f.code(), f.rule(),
                        f.expression(), f.text());
                case OFF -> {
                }
            }
        }
        if (!errors.getIssue().isEmpty() || patient == null) {
            errors.getIssue().addAll(warnings.getIssue());
            throw new Rejection(400, errors);
        }
        return new Inspection(kindOf(types), types,
                written instanceof Bundle bundle ? businessId(bundle) : null, patient, warnings);
    }

    private Resource parse(String body, List<Finding> findings) {
        if (body == null || body.isBlank()) {
            throw new Rejection(400, Outcomes.error(IssueType.STRUCTURE, VkpCode.INVALID_FORMAT, "fhir-parse",
                    "the request has no body"));
        }
        JsonShape.check(body, maxDepth, maxEntries, findings);
        ParseFindings parser = new ParseFindings();
        try {
            Resource resource = (Resource) Fhir.jsonParser().setParserErrorHandler(parser).parseResource(body);
            findings.addAll(parser.findings());
            return resource;
        } catch (DataFormatException | ClassCastException e) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "fhir-parse", null, "not valid FHIR R4 JSON: " + Outcomes.bounded(e.getMessage(), 300)));
        }
    }

    static MessageKind kindOf(List<String> types) {
        if (types.contains("DetectedIssue")) {
            return MessageKind.ALARM;
        }
        if (types.contains("MedicationDispense")) {
            return MessageKind.MEDICATION_DISPENSE;
        }
        if (types.contains("Encounter")) {
            return MessageKind.SUPERVISION;
        }
        if (types.contains("Composition")) {
            return MessageKind.NOTE;
        }
        return MessageKind.OTHER;
    }

    private static String businessId(Bundle bundle) {
        Identifier id = bundle.getIdentifier();
        return id != null && id.hasValue() ? id.getSystem() + "|" + id.getValue() : null;
    }
}
