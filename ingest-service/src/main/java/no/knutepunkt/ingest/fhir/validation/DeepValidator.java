package no.knutepunkt.ingest.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import no.knutepunkt.model.event.MessageValidated;
import no.knutepunkt.model.fhir.Fhir;
import no.knutepunkt.model.fhir.VkpCode;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HAPI's instance validator against the project's own VKP StructureDefinitions, CodeSystems and ValueSets
 * ({@code /vkp/vkp-r4-conformance.json}, written from the domain reference). Thorough and slow (tens of
 * milliseconds a bundle, seconds to start), so it runs off the request path; the fast path must reach the same
 * verdict on every fixture.
 */
public final class DeepValidator {

    public static final String CONFORMANCE = "/vkp/vkp-r4-conformance.json";

    private final FhirValidator validator;

    public DeepValidator() {
        FhirContext ctx = Fhir.context();
        PrePopulatedValidationSupport vkp = new PrePopulatedValidationSupport(ctx);
        for (Bundle.BundleEntryComponent entry : conformance().getEntry()) {
            if (entry.getResource() instanceof StructureDefinition sd) {
                vkp.addStructureDefinition(sd);
            } else if (entry.getResource() instanceof CodeSystem cs) {
                vkp.addCodeSystem(cs);
            } else if (entry.getResource() instanceof ValueSet vs) {
                vkp.addValueSet(vs);
            }
        }
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx), vkp,
                new SnapshotGeneratingValidationSupport(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx));
        validator = ctx.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    private static Bundle conformance() {
        try (InputStream in = DeepValidator.class.getResourceAsStream(CONFORMANCE)) {
            return Fhir.jsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final String NAME = "hapi-fhir-validation 8.8.1 + vkp-r4-conformance 0.9.0";

    /** Everything the validator says of the body, warnings included; information is left out. */
    public List<MessageValidated.Issue> validate(String body) {
        return validator.validateWithResult(body).getMessages().stream()
                .filter(m -> m.getSeverity() != ResultSeverityEnum.INFORMATION)
                .map(m -> new MessageValidated.Issue(m.getSeverity() == ResultSeverityEnum.WARNING ? "warning" : "error",
                        finding(m).rule(), fhirPath(m.getLocationString()), m.getMessage()))
                .toList();
    }

    /**
     * HAPI's location as FHIRPath: it writes {@code Bundle.entry[0].resource/*MedicationDispense/null*}{@code /.subject};
     * a client wants {@code Bundle.entry[0].resource.subject}.
     */
    static String fhirPath(String location) {
        return location == null ? null : location.replaceAll("/\\*.*?\\*/", "").replace("..", ".");
    }

    /** Errors and fatal errors only: what would refuse the message. */
    public List<Finding> errors(String body) {
        return validator.validateWithResult(body).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(DeepValidator::finding)
                .toList();
    }

    private static Finding finding(SingleValidationMessage m) {
        return new Finding("hapi-" + (m.getMessageId() == null ? "validator" : m.getMessageId()),
                IssueType.INVALID, VkpCode.INVALID, fhirPath(m.getLocationString()), m.getMessage());
    }
}
