package no.knutepunkt.ingest.fhir.validation;

import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.fhir.VkpCodeSystems;
import no.knutepunkt.model.identity.NationalId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.Set;

/**
 * The VKP profile rules (domain reference §5–6) that decide whether a message can be journaled, checked on HAPI's
 * model without its instance validator: cardinalities, fixed values, required bindings, identifier systems and
 * check digits, and references inside the Bundle. Each finding names its rule and the FHIRPath of the element.
 */
public final class VkpRules {

    /** Where a deployment's data must come from: test systems carry synthetic ids only, production real ones. */
    public enum Environment {
        TEST, PRODUCTION
    }

    private VkpRules() {
    }

    /** Checks one resource at {@code path}; returns the patient identifier it names, if it names one. */
    public static Identifier check(Resource resource, String path, Environment environment, List<Finding> out) {
        if (resource instanceof MedicationDispense md) {
            businessIdentifiers(md.getIdentifier(), path, out);
            requiredCoding(md.hasCategory() ? List.of(md.getCategory()) : List.of(), path + ".category",
                    VkpCodeSystems.MEDICATION_DISPENSE_EVENTS, "vkp-medicationdispense-category", out);
            if (!md.hasPerformer()) {
                out.add(new Finding("vkp-medicationdispense-performer", IssueType.REQUIRED, VkpCode.INVALID,
                        path + ".performer", "the dispenser must be named in performer (1..*)"));
            }
            for (int i = 0; i < md.getPerformer().size(); i++) {
                Reference actor = md.getPerformer().get(i).getActor();
                String at = path + ".performer[" + i + "].actor";
                if (actor.hasReference() || !actor.getIdentifier().hasSystem() || !actor.getIdentifier().hasValue()) {
                    out.add(new Finding("vkp-medicationdispense-performer", IssueType.INVARIANT, VkpCode.INVALID, at,
                            "the dispenser is named by identifier (system and value), not by reference"));
                }
            }
            return patient(md.getSubject(), path + ".subject", environment, out);
        }
        if (resource instanceof DetectedIssue di) {
            requiredCoding(di.hasCode() ? List.of(di.getCode()) : List.of(), path + ".code",
                    VkpCodeSystems.ALERT_CODE, "vkp-detectedissue-code", out);
            return patient(di.getPatient(), path + ".patient", environment, out);
        }
        if (resource instanceof Encounter enc) {
            businessIdentifiers(enc.getIdentifier(), path, out);
            Coding cls = enc.getClass_();
            if (!VkpCodeSystems.ACT_CODE.equals(cls.getSystem()) || !"VR".equals(cls.getCode())) {
                out.add(new Finding("vkp-encounter-class", IssueType.VALUE, VkpCode.INVALID, path + ".class",
                        "a VKP encounter is virtual: class v3-ActCode#VR"));
            }
            if (!enc.hasParticipant()) {
                out.add(new Finding("vkp-encounter-participant-type", IssueType.REQUIRED, VkpCode.INVALID,
                        path + ".participant", "an encounter names its participants (1..*)"));
            }
            for (int i = 0; i < enc.getParticipant().size(); i++) {
                requiredCoding(enc.getParticipant().get(i).getType(), path + ".participant[" + i + "].type",
                        VkpCodeSystems.ENCOUNTER_MODE, "vkp-encounter-participant-type", out);
            }
            if (!enc.hasPeriod()) {
                out.add(new Finding("vkp-encounter-period", IssueType.REQUIRED, VkpCode.INVALID, path + ".period",
                        "an encounter has a period (1..1)"));
            }
            if (enc.getReasonCode().size() > 1) {
                out.add(new Finding("vkp-encounter-reason", IssueType.STRUCTURE, VkpCode.INVALID,
                        path + ".reasonCode", "at most one reason (0..1)"));
            } else if (enc.hasReasonCode()) {
                requiredCoding(enc.getReasonCode(), path + ".reasonCode", VkpCodeSystems.ENCOUNTER_REASON,
                        "vkp-encounter-reason", out);
            }
            return patient(enc.getSubject(), path + ".subject", environment, out);
        }
        if (resource instanceof Composition comp) {
            Coding type = comp.getType().getCodingFirstRep();
            if (!VkpCodeSystems.LOINC.equals(type.getSystem()) || !"34133-9".equals(type.getCode())) {
                out.add(new Finding("vkp-composition-type", IssueType.VALUE, VkpCode.INVALID, path + ".type",
                        "a VKP composition is typed LOINC 34133-9 (Summarization of episode note)"));
            }
            requiredCoding(comp.getCategory(), path + ".category", VkpCodeSystems.COMPOSITION_CATEGORY,
                    "vkp-composition-category", out);
            for (int i = 0; i < comp.getEvent().size(); i++) {
                List<CodeableConcept> codes = comp.getEvent().get(i).getCode();
                if (!codes.isEmpty()) {
                    requiredCoding(codes, path + ".event[" + i + "].code", VkpCodeSystems.COMPOSITION_EVENT,
                            "vkp-composition-event", out);
                }
            }
            for (int i = 0; i < comp.getSection().size(); i++) {
                CodeableConcept code = comp.getSection().get(i).getCode();
                if (code.hasCoding()) {
                    requiredCoding(List.of(code), path + ".section[" + i + "].code",
                            VkpCodeSystems.COMPOSITION_SECTION, "vkp-composition-section-code", out);
                }
            }
            return patient(comp.getSubject(), path + ".subject", environment, out);
        }
        return null;
    }

    /** Bundle-level rules: references by urn:uuid resolve to an entry; a document starts with its Composition. */
    public static void checkBundle(Bundle bundle, List<Finding> out) {
        Set<String> fullUrls = new java.util.HashSet<>();
        bundle.getEntry().forEach(e -> fullUrls.add(e.getFullUrl()));
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Resource resource = bundle.getEntry().get(i).getResource();
            if (resource == null) {
                continue;
            }
            String path = "Bundle.entry[" + i + "].resource";
            for (var ref : no.knutepunkt.model.fhir.Fhir.context().newTerser()
                    .getAllResourceReferences(resource)) {
                String target = ref.getResourceReference().getReferenceElement().getValue();
                if (target != null && target.startsWith("urn:uuid:") && !fullUrls.contains(target)) {
                    out.add(new Finding("bundle-reference-resolves", IssueType.NOTFOUND, VkpCode.INVALID,
                            path + "." + ref.getName(), "the reference " + target + " names no entry of the Bundle"));
                }
            }
        }
        if (bundle.getType() == Bundle.BundleType.DOCUMENT && !bundle.getEntry().isEmpty()
                && !(bundle.getEntryFirstRep().getResource() instanceof Composition)) {
            out.add(new Finding("bundle-document-composition-first", IssueType.STRUCTURE, VkpCode.INVALID,
                    "Bundle.entry[0].resource", "a document Bundle starts with its Composition"));
        }
    }

    private static void businessIdentifiers(List<Identifier> identifiers, String path, List<Finding> out) {
        for (int i = 0; i < identifiers.size(); i++) {
            if (!VkpCodeSystems.UUID_IDENTIFIER_SYSTEM.equals(identifiers.get(i).getSystem())) {
                out.add(new Finding("vkp-business-identifier-system", IssueType.VALUE, VkpCode.INVALID,
                        path + ".identifier[" + i + "].system", "the business identifier's system is fixed to "
                                + VkpCodeSystems.UUID_IDENTIFIER_SYSTEM));
            }
        }
    }

    /** A required binding: some coding of the concept(s) is a code of {@code system}. */
    private static void requiredCoding(List<CodeableConcept> concepts, String path, String system, String rule,
            List<Finding> out) {
        boolean found = concepts.stream().flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> system.equals(c.getSystem()) && VkpCodeSystems.contains(system, c.getCode()));
        if (!found) {
            out.add(new Finding(rule, concepts.isEmpty() ? IssueType.REQUIRED : IssueType.CODEINVALID,
                    VkpCode.INVALID, path, "a code from " + system + " is required here"));
        }
    }

    private static Identifier patient(Reference reference, String path, Environment environment, List<Finding> out) {
        Identifier identifier = reference.getIdentifier();
        if (reference.isEmpty() || !reference.hasIdentifier() || !identifier.hasValue()) {
            out.add(new Finding("vkp-patient-identifier", IssueType.REQUIRED, VkpCode.INVALID_SSN,
                    path + ".identifier", "the patient must be identified by identifier (fødselsnummer, D-nummer or FHN)"));
            return null;
        }
        String system = identifier.getSystem();
        if (!NationalId.isPersonSystem(system)) {
            out.add(new Finding("vkp-patient-identifier-system", IssueType.VALUE, VkpCode.INVALID_SSN,
                    path + ".identifier.system", "the patient identifier is not a fødselsnummer, D-nummer or FHN"));
            return identifier;
        }
        boolean checkDigits = NationalId.FNR_SYSTEM.equals(system) || NationalId.DNR_SYSTEM.equals(system);
        if (checkDigits && !NationalId.hasValidCheckDigits(identifier.getValue())) {
            out.add(new Finding("vkp-national-id-check-digits", IssueType.VALUE, VkpCode.INVALID_SSN,
                    path + ".identifier.value", "the national identifier is not 11 digits with valid check digits"));
            return null;
        }
        if (checkDigits && NationalId.isSynthetic(identifier.getValue()) != (environment == Environment.TEST)) {
            out.add(new Finding("vkp-national-id-environment", IssueType.BUSINESSRULE, VkpCode.INVALID_SSN,
                    path + ".identifier.value", environment == Environment.TEST
                            ? "a test deployment takes synthetic national ids only (month + 80)"
                            : "a production deployment takes no synthetic national ids"));
            return null;
        }
        return identifier;
    }
}
