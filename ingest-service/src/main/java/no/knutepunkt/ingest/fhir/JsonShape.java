package no.knutepunkt.ingest.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import no.knutepunkt.ingest.fhir.validation.Finding;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A streaming pass over the body before HAPI builds a model of it, so that a hostile body costs a scan, not a parse:
 * bounded nesting and entry count, numbers within what FHIR and every platform's decimal type can hold (HAPI expands
 * {@code 1e999999} into a million digits), and duplicate keys (which HAPI resolves silently, the last one winning).
 * Malformed JSON is refused at once, with the place it broke.
 */
public final class JsonShape {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Significant digits and decimal exponent a number may have: .NET's decimal (28–29 digits, up to 7.9e28), which
     * many VKP vendors serialise from, and IEEE decimal128 (34 digits) fit; nothing a welfare device measures is
     * beyond them. FHIR's integer is 32-bit; HAPI refuses larger ones itself once they are this short.
     */
    static final int MAX_DIGITS = 34;
    static final int MAX_EXPONENT = 28;

    private JsonShape() {
    }

    /** Scans the body; refuses what must not reach HAPI, and adds what the rule set decides on to {@code out}. */
    public static void check(String body, int maxDepth, int maxEntries, List<Finding> out) {
        try (JsonParser parser = JSON.createParser(body)) {
            int depth = 0;
            int entries = 0;
            int entryArrayDepth = -1;
            // the field names seen in each open object; null for an array
            Deque<Set<String>> names = new ArrayDeque<>();
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        if (depth == entryArrayDepth && ++entries > maxEntries) {
                            throw tooCostly("bundle-entry-count", "Bundle.entry",
                                    "the Bundle has more than " + maxEntries + " entries");
                        }
                        if (++depth > maxDepth) {
                            throw tooCostly("json-depth", null, "the JSON is nested deeper than " + maxDepth + " levels");
                        }
                        if (token == JsonToken.START_ARRAY && depth == 2 && "entry".equals(parser.currentName())) {
                            entryArrayDepth = depth;
                        }
                        names.push(token == JsonToken.START_OBJECT ? new HashSet<>() : Set.of());
                    }
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        names.pop();
                    }
                    case FIELD_NAME -> {
                        if (!names.peek().add(parser.currentName())) {
                            out.add(new Finding("json-duplicate-key", IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                                    null, "the key \"" + Outcomes.bounded(parser.currentName(), 64)
                                            + "\" appears twice in one object" + where(parser)));
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> checkNumber(parser);
                    default -> {
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "json-syntax", null, "the body is not well-formed JSON: " + e.getOriginalMessage()
                            + where(e.getLocation())));
        } catch (IOException e) {
            throw new IllegalStateException(e); // reading a String does not fail otherwise
        }
    }

    /** Refuses a number whose digits or exponent no decimal type holds, from its text: nothing is expanded. */
    private static void checkNumber(JsonParser parser) throws IOException {
        String text = parser.getText();
        // one pass: where the significant digits start and end, relative to the decimal point
        int firstSignificant = -1;
        int lastSignificant = -1;
        int digitsBeforePoint = 0;
        int digitIndex = 0;
        boolean afterPoint = false;
        int i = 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                afterPoint = true;
            } else if (c >= '0' && c <= '9') {
                if (!afterPoint) {
                    digitsBeforePoint++;
                }
                if (c != '0') {
                    firstSignificant = firstSignificant < 0 ? digitIndex : firstSignificant;
                    lastSignificant = digitIndex;
                }
                digitIndex++;
            } else if (c == 'e' || c == 'E') {
                break;
            }
        }
        long exponent = 0;
        if (i < text.length()) {
            String digits = text.substring(i + 1);
            int unsigned = digits.startsWith("+") || digits.startsWith("-") ? digits.length() - 1 : digits.length();
            // more than 9 digits is out of range whatever they say; shorter ones parse cheaply
            exponent = unsigned > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
        }
        int significant = firstSignificant < 0 ? 0 : lastSignificant - firstSignificant + 1;
        // the power of ten of the leading significant digit (of a zero, its exponent: HAPI expands 0e999999 too)
        long magnitude = exponent == Long.MAX_VALUE ? Long.MAX_VALUE
                : firstSignificant < 0 ? exponent : digitsBeforePoint - firstSignificant - 1L + exponent;
        if (significant > MAX_DIGITS || magnitude == Long.MAX_VALUE || Math.abs(magnitude) > MAX_EXPONENT) {
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.VALUE, VkpCode.INVALID_FORMAT,
                    "fhir-number-range", null, "the number " + Outcomes.bounded(text, 40) + where(parser)
                            + " is outside what FHIR takes here (at most " + MAX_DIGITS
                            + " significant digits, magnitude within 1e±" + MAX_EXPONENT + ")"));
        }
    }

    private static String where(JsonParser parser) {
        return where(parser.currentTokenLocation());
    }

    private static String where(com.fasterxml.jackson.core.JsonLocation location) {
        return location == null ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static Rejection tooCostly(String rule, String expression, String text) {
        return new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, rule,
                expression, text));
    }
}
