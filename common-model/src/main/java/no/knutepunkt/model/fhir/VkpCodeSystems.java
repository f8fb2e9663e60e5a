package no.knutepunkt.model.fhir;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** VKP's code systems (v090) and the codes each holds, from the domain reference §6. */
public final class VkpCodeSystems {

    private static final String BASE = "http://ehelse.no/fhir/CodeSystem/";

    public static final String ALERT_CODE = BASE + "vkp-alert-code-v090";
    public static final String MEDICATION_DISPENSE_EVENTS = BASE + "vkp-medicationdispense-events-v090";
    public static final String COMPOSITION_CATEGORY = BASE + "vkp-composition-category-v090";
    public static final String COMPOSITION_EVENT = BASE + "vkp-composition-event-v090";
    public static final String COMPOSITION_SECTION = BASE + "vkp-composition-section-v090";
    public static final String ENCOUNTER_MODE = BASE + "vkp-encounter-mode-v090";
    public static final String ENCOUNTER_REASON = BASE + "vkp-encounter-reason-v090";

    public static final String LOINC = "http://loinc.org";
    public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public static final String UUID_IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986";

    /** Alert codes: 1.1–1.23, 4.1–4.26 and the DHO sub-codes are ranges in the code system. */
    private static final Pattern ALERT = Pattern.compile(
            "1|1\\.([1-9]|1[0-9]|2[0-3])|2|3|4|4\\.([1-9]|1[0-9]|2[0-6])|5|5\\.1|5\\.2|5\\.2\\.[1-3]|5\\.3|5\\.3\\.[12]|6|7|7\\.1");

    private static final Map<String, Set<String>> CODES = Map.of(
            MEDICATION_DISPENSE_EVENTS, Set.of("1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3"),
            COMPOSITION_CATEGORY, Set.of("1", "2"),
            COMPOSITION_EVENT, Set.of("0", "1", "3", "4", "5", "6", "7", "8", "9", "10"),
            COMPOSITION_SECTION, Set.of("1", "1.1", "1.2", "1.3", "2"),
            ENCOUNTER_MODE, Set.of("0", "1", "2", "3", "4"),
            ENCOUNTER_REASON, Set.of("1", "2"));

    private VkpCodeSystems() {
    }

    /** True when {@code code} is a code of {@code system}. */
    public static boolean contains(String system, String code) {
        if (code == null) {
            return false;
        }
        if (ALERT_CODE.equals(system)) {
            return ALERT.matcher(code).matches();
        }
        Set<String> codes = CODES.get(system);
        return codes != null && codes.contains(code);
    }
}
