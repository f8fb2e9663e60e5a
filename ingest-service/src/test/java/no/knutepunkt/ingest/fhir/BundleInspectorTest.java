package no.knutepunkt.ingest.fhir;

import no.knutepunkt.ingest.Examples;
import no.knutepunkt.ingest.fhir.validation.RuleSet;
import no.knutepunkt.ingest.fhir.validation.VkpRules;
import no.knutepunkt.model.fhir.Outcomes;
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

    @Test
    void realTrafficDeviationsAreWarningsWhenLenientAndErrorsWhenStrict() {
        String body = Examples.likeRealTraffic();
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

    static String dispenseWith(String quantity) {
        return Examples.read("01-medication-dispense-success.json").replace("\"status\": \"completed\",",
                "\"status\": \"completed\", " + quantity + ",");
    }

    /** HAPI expands 1e999999 into a million digits (seconds of CPU); the scan refuses it from its text. */
    @ParameterizedTest
    @ValueSource(strings = {"\"quantity\": {\"value\": 1e999999}", "\"quantity\": {\"value\": 1e99999999}",
            "\"quantity\": {\"value\": -1E+999999999}", "\"quantity\": {\"value\": 1e-999999}",
            "\"quantity\": {\"value\": 0e999999}", "\"quantity\": {\"value\": 1e99999999999999999999}",
            "\"daysSupply\": {\"value\": 123456789012345678901234567890123456789}",
            "\"quantity\": {\"value\": 0.00000000000000000000000000000001}"})
    void numbersNoDecimalTypeHoldsAreRefusedBeforeHapiSeesThem(String quantity) {
        for (BundleInspector inspector : List.of(LENIENT, STRICT)) {
            Rejection r = rejected(inspector, dispenseWith(quantity));
            assertEquals(Set.of("fhir-number-range"), rules(r.outcome()), quantity);
            assertTrue(Outcomes.toJson(r.outcome()).length() < 2_000, "a short answer");
        }
    }

    @Test
    void numbersWithinRangeStayNumbersAndA32BitOverflowIsHapisFinding() {
        // .NET's decimal: 28 digits
        LENIENT.inspect(dispenseWith("\"quantity\": {\"value\": 1.0000000000000000000000000001}"), "Bundle");
        LENIENT.inspect(dispenseWith("\"quantity\": {\"value\": 2.5e3}"), "Bundle");
        LENIENT.inspect(dispenseWith("\"quantity\": {\"value\": 0.000125}"), "Bundle");
        // an integer element (Dosage.sequence) past 32 bits
        String big = Examples.read("01-medication-dispense-success.json").replace("\"text\": \"Morgendose",
                "\"sequence\": 99999999999, \"text\": \"Morgendose");
        Rejection r = rejected(STRICT, big);
        assertTrue(rules(r.outcome()).contains("fhir-invalid-value"), rules(r.outcome()).toString());
    }

    @Test
    void aDuplicateKeyWarnsWhenLenientAndIsRefusedWhenStrict() {
        String twice = Examples.read("01-medication-dispense-success.json").replace("\"type\": \"collection\",",
                "\"type\": \"collection\", \"type\": \"collection\",");
        assertTrue(rules(LENIENT.inspect(twice, "Bundle").warnings()).contains("json-duplicate-key"));
        assertEquals(Set.of("json-duplicate-key"), rules(rejected(STRICT, twice).outcome()));
        String twoResourceTypes = Examples.read("01-medication-dispense-success.json").replaceFirst(
                "\"resourceType\": \"Bundle\",", "\"resourceType\": \"Bundle\", \"resourceType\": \"Bundle\",");
        assertTrue(rules(rejected(STRICT, twoResourceTypes).outcome()).contains("json-duplicate-key"));
    }

    /** FHIR's txt-1: what deep validation flags after delivery, the fast path refuses before, in both rule sets. */
    @ParameterizedTest
    @ValueSource(strings = {"<script>alert(1)</script>", "<p onclick=\\\"alert(1)\\\">x</p>",
            "<a href=\\\"javascript:alert(1)\\\">x</a>", "<a href=\\\" JaVa&#x09;script:alert(1)\\\">x</a>",
            "<img src=\\\"data:text/html;base64,PHNjcmlwdD4=\\\"/>", "<iframe src=\\\"https://evil.example\\\"></iframe>",
            "<form action=\\\"https://evil.example\\\"><input name=\\\"x\\\"/></form>", "<style>body{}</style>",
            "<p style=\\\"background:url(https://evil.example/t.png)\\\">x</p>", "<object data=\\\"x.swf\\\"></object>",
            "<svg onload=\\\"alert(1)\\\"></svg>"})
    void activeContentInANarrativeIsRefusedByBothSets(String html) {
        String body = Examples.read("02-missed-dose-alarm.json").replace("<p>Medisindispenseren meldte", html
                + "<p>Medisindispenseren meldte");
        for (BundleInspector inspector : List.of(LENIENT, STRICT)) {
            Rejection r = rejected(inspector, body);
            assertTrue(rules(r.outcome()).contains("fhir-narrative-xhtml"),
                    html + ": " + rules(r.outcome()));
        }
        // the fixture's own narratives pass
        LENIENT.inspect(Examples.read("02-missed-dose-alarm.json"), "Bundle");
    }

    @Test
    void aDoctypeOrEntityInANarrativeIsRefused() {
        String body = Examples.read("02-missed-dose-alarm.json").replace(
                "\"div\": \"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>Medisindispenseren",
                "\"div\": \"<!DOCTYPE div [<!ENTITY x SYSTEM \\\"file:///etc/passwd\\\">]><div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>&x;Medisindispenseren");
        for (BundleInspector inspector : List.of(LENIENT, STRICT)) {
            Rejection r = rejected(inspector, body);
            assertTrue(rules(r.outcome()).contains("fhir-narrative-xhtml") || rules(r.outcome()).contains("fhir-parse"),
                    rules(r.outcome()).toString());
            assertTrue(!Outcomes.toJson(r.outcome()).contains("root:"), "no file was read");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u202E", "\\u2066", "\\u200B", "\\u0007", "\\u0000", "\\uFEFF"})
    void controlAndDirectionCharactersInIdentifiersWarnWhenLenientAndAreRefusedWhenStrict(String c) {
        String body = Examples.read("01-medication-dispense-success.json").replace("\"value\": \"DISP-000417\"",
                "\"value\": \"DISP-" + c + "000417\"");
        assertTrue(rules(LENIENT.inspect(body, "Bundle").warnings()).contains("identifier-characters"), c);
        Rejection r = rejected(STRICT, body);
        assertEquals(Set.of("identifier-characters"), rules(r.outcome()), c);
        assertEquals("Bundle.entry[0].resource.performer[0].actor.identifier.value",
                r.outcome().getIssueFirstRep().getExpression().get(0).getValue());
        String inBundleIdentifier = Examples.read("01-medication-dispense-success.json").replace(
                "\"value\": \"urn:uuid:52fec24a", "\"value\": \"urn:uuid:" + c + "52fec24a");
        assertTrue(rules(rejected(STRICT, inBundleIdentifier).outcome()).contains("identifier-characters"), c);
    }

    @Test
    void anAnswerListsAtMostAHundredProblems() {
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            keys.append("\"status\": \"completed\", ");
        }
        String body = Examples.read("01-medication-dispense-success.json").replace("\"status\": \"completed\",",
                keys.toString());
        Rejection r = rejected(STRICT, body);
        assertEquals(101, r.outcome().getIssue().size());
        assertTrue(Outcomes.toJson(r.outcome()).length() < 60_000);
    }
}
