package no.knutepunkt.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.fhir.Fhir;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.NationalId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a vendor's Bundle: FHIR structure first (HAPI, strict about unknown types and elements), then the VKP rules
 * that decide whether a message can be journaled at all: the patient is identified by a person identifier whose
 * check digits are right.
 */
@ApplicationScoped
public class BundleInspector {

    private final IngestConfig.Limits limits;

    public BundleInspector(IngestConfig config) {
        this.limits = config.limits();
        // the first parse builds HAPI's model (seconds); do it at start-up, not in a vendor's request
        Fhir.strictJsonParser().parseResource(Bundle.class, "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    }

    /** What ingest needs to know of a message. */
    public record Inspection(MessageKind kind, List<String> resourceTypes, String businessId, Identifier patient) {
    }

    /** Inspects a body written to the endpoint of {@code expectedType} (a Bundle, or one resource). */
    public Inspection inspect(String body, String expectedType) {
        Resource written = parse(body);
        if (!written.fhirType().equals(expectedType)) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "resource-type", written.fhirType(),
                    "this endpoint takes " + expectedType + ", not " + written.fhirType()));
        }
        OperationOutcome problems = new OperationOutcome();
        List<Resource> resources = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        if (written instanceof Bundle bundle) {
            if (bundle.getEntry().isEmpty()) {
                Outcomes.addIssue(problems, IssueSeverity.ERROR, IssueType.REQUIRED, VkpCode.INVALID,
                        "bundle-entry", "Bundle.entry", "the Bundle has no entries");
            }
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                Resource resource = bundle.getEntry().get(i).getResource();
                if (resource == null) {
                    Outcomes.addIssue(problems, IssueSeverity.ERROR, IssueType.REQUIRED, VkpCode.INVALID,
                            "bundle-entry-resource", "Bundle.entry[" + i + "].resource", "the entry has no resource");
                    continue;
                }
                resources.add(resource);
                paths.add("Bundle.entry[" + i + "].resource");
            }
        } else {
            resources.add(written);
            paths.add(written.fhirType());
        }
        List<String> types = new ArrayList<>();
        Identifier patient = null;
        for (int i = 0; i < resources.size(); i++) {
            Resource resource = resources.get(i);
            types.add(resource.fhirType());
            PatientReference ref = patientReference(resource);
            if (ref != null) {
                Identifier checked = checkPatient(ref.reference(), paths.get(i) + "." + ref.element(), problems);
                patient = patient == null ? checked : patient;
            }
        }
        if (patient == null && problems.getIssue().isEmpty()) {
            Outcomes.addIssue(problems, IssueSeverity.ERROR, IssueType.REQUIRED, VkpCode.INVALID_SSN,
                    "vkp-patient-present", paths.isEmpty() ? expectedType : paths.get(0),
                    "the message names no patient (MedicationDispense, DetectedIssue, Encounter or Composition)");
        }
        if (problems.getIssue().stream().anyMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR)) {
            throw new Rejection(400, problems);
        }
        return new Inspection(kindOf(types), types,
                written instanceof Bundle bundle ? businessId(bundle) : null, patient);
    }

    private Resource parse(String body) {
        if (body == null || body.isBlank()) {
            throw new Rejection(400, Outcomes.error(IssueType.STRUCTURE, VkpCode.INVALID_FORMAT, "fhir-parse",
                    "the request has no body"));
        }
        JsonShape.check(body, limits.maxDepth(), limits.maxEntries());
        try {
            return (Resource) Fhir.strictJsonParser().parseResource(body);
        } catch (DataFormatException | ClassCastException e) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "fhir-parse", null, "not valid FHIR R4 JSON: " + e.getMessage()));
        }
    }

    private record PatientReference(String element, Reference reference) {
    }

    /** The element that names the patient in each resource type VKP writes. */
    private static PatientReference patientReference(Resource resource) {
        if (resource instanceof MedicationDispense md) {
            return new PatientReference("subject", md.getSubject());
        }
        if (resource instanceof DetectedIssue di) {
            return new PatientReference("patient", di.getPatient());
        }
        if (resource instanceof Encounter enc) {
            return new PatientReference("subject", enc.getSubject());
        }
        if (resource instanceof Composition comp) {
            return new PatientReference("subject", comp.getSubject());
        }
        return null;
    }

    private static Identifier checkPatient(Reference reference, String path, OperationOutcome problems) {
        Identifier identifier = reference.getIdentifier();
        if (reference.isEmpty() || !reference.hasIdentifier() || !identifier.hasValue()) {
            Outcomes.addIssue(problems, IssueSeverity.ERROR, IssueType.REQUIRED, VkpCode.INVALID_SSN,
                    "vkp-patient-identifier", path + ".identifier",
                    "the patient must be identified by identifier (fødselsnummer, D-nummer or FHN)");
            return null;
        }
        String system = identifier.getSystem();
        boolean checkDigits = NationalId.FNR_SYSTEM.equals(system) || NationalId.DNR_SYSTEM.equals(system);
        if (checkDigits && !NationalId.hasValidCheckDigits(identifier.getValue())) {
            Outcomes.addIssue(problems, IssueSeverity.ERROR, IssueType.VALUE, VkpCode.INVALID_SSN,
                    "vkp-national-id-check-digits", path + ".identifier.value",
                    "the national identifier is not 11 digits with valid check digits");
            return null;
        }
        return identifier;
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
