package no.knutepunkt.ingest.fhir;

import no.knutepunkt.ingest.Examples;
import no.knutepunkt.ingest.fhir.validation.DeepValidator;
import no.knutepunkt.ingest.fhir.validation.Finding;
import no.knutepunkt.model.rest.Rejection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** On the fixture corpus, the fast path and HAPI's validator with the project's profiles agree on every verdict. */
class DeepValidatorTest {

    static DeepValidator deep;

    @BeforeAll
    static void build() {
        deep = new DeepValidator();
    }

    static boolean fastAccepts(BundleInspector inspector, String body) {
        try {
            inspector.inspect(body, "Bundle");
            return true;
        } catch (Rejection e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-medication-dispense-success.json", "02-missed-dose-alarm.json",
            "03-digital-supervision-encounter.json", "04-response-centre-alarm-log.json",
            "05-invalid-missing-patient-identifier.json", "06-invalid-unknown-resource-type.json"})
    void sameVerdict(String fixture) {
        String body = Examples.read(fixture);
        List<Finding> errors = deep.errors(body);
        boolean deepAccepts = errors.isEmpty();
        assertEquals(!fixture.contains("invalid"), deepAccepts, fixture + ": " + errors);
        assertEquals(deepAccepts, fastAccepts(BundleInspectorTest.STRICT, body), fixture + " strict");
        assertEquals(deepAccepts, fastAccepts(BundleInspectorTest.LENIENT, body), fixture + " lenient");
    }

    /** Variants that only the VKP profiles forbid: both paths must see them, or the profiles are not applied. */
    @ParameterizedTest
    @ValueSource(strings = {"category", "performer", "alert-code", "encounter-mode", "narrative-script"})
    void profileViolationsAreFoundByBoth(String variant) {
        String body = switch (variant) {
            case "category" -> Examples.read("01-medication-dispense-success.json").replace("\"code\": \"1.1\"",
                    "\"code\": \"9.9\"");
            case "performer" -> Examples.read("01-medication-dispense-success.json").replace("\"performer\"",
                    "\"_unusedPerformer\"").replaceAll("\"_unusedPerformer\": \\[[^\\]]*\\],", "");
            case "alert-code" -> Examples.read("02-missed-dose-alarm.json").replace(
                    "\"code\": \"1.1\",\n              \"display\": \"Ikke utlevert\"",
                    "\"code\": \"99\",\n              \"display\": \"Ikke utlevert\"");
            // FHIR's txt-1, which the fast path let through to the EPJ while deep validation flagged it
            case "narrative-script" -> Examples.read("02-missed-dose-alarm.json").replace(
                    "<p>Medisindispenseren meldte", "<script>alert(1)</script><p>Medisindispenseren meldte");
            default -> Examples.read("03-digital-supervision-encounter.json").replaceFirst(
                    "(vkp-encounter-mode-v090\",\\s*\"code\": \")\\d", "$19");
        };
        List<Finding> errors = deep.errors(body);
        assertEquals(false, errors.isEmpty(), variant + " passed HAPI's validator");
        assertEquals(false, fastAccepts(BundleInspectorTest.STRICT, body), variant + " passed the fast path");
        assertEquals(false, fastAccepts(BundleInspectorTest.LENIENT, body) && variant.startsWith("narrative"),
                variant + " passed the lenient fast path");
        // where the validator points is FHIRPath, not HAPI's internal location (with /*Type/id*/ comments)
        deep.validate(body).forEach(issue -> assertEquals(false, issue.expression() != null
                && issue.expression().contains("/*"), issue.expression()));
    }
}
