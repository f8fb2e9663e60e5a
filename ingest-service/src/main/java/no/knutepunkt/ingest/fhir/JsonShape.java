package no.knutepunkt.ingest.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.io.IOException;

/**
 * A streaming pass over the body before HAPI builds a model of it: bounded nesting and entry count, so that a
 * hostile body costs a scan, not a parse. It also finds malformed JSON at once, with the place it broke.
 */
public final class JsonShape {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonShape() {
    }

    public static void check(String body, int maxDepth, int maxEntries) {
        try (JsonParser parser = JSON.createParser(body)) {
            int depth = 0;
            int entries = 0;
            int entryArrayDepth = -1;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    if (depth == entryArrayDepth) {
                        entries++;
                        if (entries > maxEntries) {
                            throw tooCostly("bundle-entry-count", "Bundle.entry",
                                    "the Bundle has more than " + maxEntries + " entries");
                        }
                    }
                    depth++;
                    if (depth > maxDepth) {
                        throw tooCostly("json-depth", null, "the JSON is nested deeper than " + maxDepth + " levels");
                    }
                    if (token == JsonToken.START_ARRAY && depth == 2 && "entry".equals(parser.currentName())) {
                        entryArrayDepth = depth;
                    }
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.STRUCTURE, VkpCode.INVALID_FORMAT,
                    "json-syntax", null, "the body is not well-formed JSON: " + e.getOriginalMessage() + where));
        } catch (IOException e) {
            throw new IllegalStateException(e); // reading a String does not fail otherwise
        }
    }

    private static Rejection tooCostly(String rule, String expression, String text) {
        return new Rejection(400, Outcomes.of(IssueSeverity.ERROR, IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, rule,
                expression, text));
    }
}
