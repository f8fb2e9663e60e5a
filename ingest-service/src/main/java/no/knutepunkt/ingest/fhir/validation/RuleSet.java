package no.knutepunkt.ingest.fhir.validation;

import java.util.HashMap;
import java.util.Map;

/**
 * A versioned set of modes, one per rule: enforce (the message is refused), warn (accepted, with a warning in the
 * answer) or off. Every rule not named is enforced. A deployment picks a set and may override single rules.
 */
public record RuleSet(String name, Map<String, Mode> modes) {

    public enum Mode {
        ENFORCE, WARN, OFF
    }

    /** Deviations real VKP traffic has (domain reference §5.9, §9): accepted with a warning. */
    public static final RuleSet LENIENT = new RuleSet("lenient-1", Map.of(
            "vkp-composition-type", Mode.WARN,
            "fhir-empty-string", Mode.WARN,
            "fhir-json-type", Mode.WARN,
            "vkp-patient-identifier-system", Mode.WARN,
            "vkp-business-identifier-system", Mode.WARN,
            "vkp-encounter-class", Mode.WARN,
            "vkp-composition-section-code", Mode.WARN,
            "bundle-document-composition-first", Mode.WARN,
            "json-duplicate-key", Mode.WARN,
            "identifier-characters", Mode.WARN));

    /** The profiles as written: only the extensible section binding warns. */
    public static final RuleSet STRICT = new RuleSet("strict-1", Map.of(
            "vkp-composition-section-code", Mode.WARN));

    /** The named set, with overrides written {@code rule-id=enforce|warn|off}. */
    public static RuleSet named(String name, java.util.List<String> overrides) {
        RuleSet base = switch (name) {
            case "lenient", "lenient-1" -> LENIENT;
            case "strict", "strict-1" -> STRICT;
            default -> throw new IllegalArgumentException("unknown rule set " + name + "; known: lenient-1, strict-1");
        };
        if (overrides.isEmpty()) {
            return base;
        }
        Map<String, Mode> modes = new HashMap<>(base.modes());
        for (String override : overrides) {
            String[] ruleAndMode = override.split("=", 2);
            if (ruleAndMode.length != 2) {
                throw new IllegalArgumentException("a rule override is rule-id=enforce|warn|off, not " + override);
            }
            modes.put(ruleAndMode[0].trim(), Mode.valueOf(ruleAndMode[1].trim().toUpperCase()));
        }
        return new RuleSet(base.name() + "+" + overrides.size() + "-overrides", Map.copyOf(modes));
    }

    public Mode modeOf(String rule) {
        return modes.getOrDefault(rule, Mode.ENFORCE);
    }
}
