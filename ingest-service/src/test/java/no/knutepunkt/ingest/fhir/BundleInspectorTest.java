package no.knutepunkt.ingest.fhir;

import no.knutepunkt.ingest.Examples;
import no.knutepunkt.ingest.fhir.validation.RuleSet;
import no.knutepunkt.ingest.fhir.validation.VkpRules;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast-path verdicts: each fixture under both rule sets, the known deviations of real traffic, test vs prod. */
class BundleInspectorTest {

    static BundleInspector inspector(String ruleSet, String environment) {
        return new BundleInspector(RuleSet.named(ruleSet, List.of()),
                VkpRules.Environment.valueOf(environment.toUpperCase()), 40, 500);
    }

    static final BundleInspector LENIENT = inspector("lenient-1", "test");
    static final BundleInspector STRICT = inspector("strict-1", "test");

    static Set<String> rules(OperationOutcome outcome) {
        return outcome.getIssue().stream().map(i -> i.getExtensionFirstRep().getValue().primitiveValue())
                .collect(Collectors.toSet());
    }

    static Rejection rejected(BundleInspector inspector, String body) {
        return assertThrows(Rejection.class, () -> inspector.inspect(body, "Bundle"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-medication-dispense-success.json", "02-missed-dose-alarm.json",
            "03-digital-supervision-encounter.json", "04-response-centre-alarm-log.json"})
    void validFixturesPassBothSetsWithoutWarnings(String fixture) {
        for (BundleInspector inspector : List.of(LENIENT, STRICT)) {
            var inspection = inspector.inspect(Examples.read(fixture), "Bundle");
            assertEquals(Set.of(), rules(inspection.warnings()), fixture);
        }
    }

    @Test
    void invalidFixturesAreRefusedByBothSets() {
        for (BundleInspector inspector : List.of(LENIENT, STRICT)) {
            Rejection missing = rejected(inspector, Examples.read("05-invalid-missing-patient-identifier.json"));
            assertTrue(rules(missing.outcome()).contains("vkp-patient-identifier"));
            assertEquals("2.1", missing.outcome().getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
            Rejection unknown = rejected(inspector, Examples.read("06-invalid-unknown-resource-type.json"));
            assertEquals("2.4", unknown.outcome().getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
        }
    }

    /** The deviations of NHN's own reference bundle (domain reference §5.9), applied to fixture 04. */
    static String likeRealTraffic() {
        return Examples.read("04-response-centre-alarm-log.json")
                .replaceFirst("\"system\": \"http://loinc.org\",\\s*\"code\": \"34133-9\"",
                        "\"system\": \"http://ehelse.no/fhir/CodeSystem/vkp-alert-code-v090\", \"code\": \"7\"")
                .replace("\"system\": \"urn:oid:2.16.578.1.12.4.1.4.1\",\n            \"value\": \"14834540011\"",
                        "\"system\": \"http://cosdoc.dips.no/lopenummer\",\n            \"value\": \"100234\"")
                .replaceFirst("\"family\": \"Epsilon\"", "\"family\": \"\"");
    }

    @Test
    void realTrafficDeviationsAreWarningsWhenLenientAndErrorsWhenStrict() {
        String body = likeRealTraffic();
        var accepted = LENIENT.inspect(body, "Bundle");
        Set<String> warned = rules(accepted.warnings());
        assertTrue(warned.containsAll(Set.of("vkp-composition-type", "fhir-empty-string",
                "vkp-patient-identifier-system")), warned.toString());
        Rejection refused = rejected(STRICT, body);
        assertTrue(rules(refused.outcome()).containsAll(warned), rules(refused.outcome()).toString());
        refused.outcome().getIssue().forEach(issue -> {
            assertTrue(issue.hasExpression(), "every issue names its element");
            assertEquals("http://ehelse.no/fhir/CodeSystem/vkp-operation-outcome-v090",
                    issue.getDetails().getCodingFirstRep().getSystem());
        });
    }

    @Test
    void profileRulesFindCodesCardinalitiesAndDanglingReferences() {
        String wrongCategory = Examples.read("01-medication-dispense-success.json").replace("\"code\": \"1.1\"",
                "\"code\": \"9.9\"");
        assertTrue(rules(rejected(LENIENT, wrongCategory).outcome()).contains("vkp-medicationdispense-category"));
        String noAlertCode = Examples.read("02-missed-dose-alarm.json").replace("\"code\": \"1.1\",\n              \"display\": \"Ikke utlevert\"",
                "\"code\": \"99\",\n              \"display\": \"Ikke utlevert\"");
        assertTrue(rules(rejected(LENIENT, noAlertCode).outcome()).contains("vkp-detectedissue-code"));
        String dangling = Examples.read("02-missed-dose-alarm.json")
                .replace("\"reference\": \"urn:uuid:7f2fc297-f7d3-4677-bbfa-882002fc1007\"",
                        "\"reference\": \"urn:uuid:00000000-0000-4000-8000-000000000000\"");
        Rejection r = rejected(LENIENT, dangling);
        assertTrue(rules(r.outcome()).contains("bundle-reference-resolves"));
        assertTrue(r.outcome().getIssue().stream().anyMatch(i -> i.getExpression().get(0).getValue()
                .startsWith("Bundle.entry[1].resource")), "the dangling reference is in the DetectedIssue");
    }

    @Test
    void testAndProductionDataStayApart() {
        String real = Examples.read("01-medication-dispense-success.json").replace("14834540011", "13116900216");
        assertTrue(rules(rejected(LENIENT, real).outcome()).contains("vkp-national-id-environment"));
        BundleInspector production = inspector("lenient-1", "production");
        production.inspect(real, "Bundle");
        assertTrue(rules(rejected(production, Examples.read("01-medication-dispense-success.json")).outcome())
                .contains("vkp-national-id-environment"));
    }
}
