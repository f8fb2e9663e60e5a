package no.knutepunkt.ingest.fhir;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One text for one JSON content, whatever its whitespace, key order or number spelling ({@code 1.50}, {@code 1.5},
 * {@code 15e-1}): keys sorted, no whitespace, numbers in plain form without trailing zeros. Two copies of a message
 * that a client re-serialized compare equal by it. Numbers are safe to write plain: {@link JsonShape} has bounded
 * their magnitude.
 */
public final class CanonicalJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private CanonicalJson() {
    }

    public static String of(String json) {
        try {
            StringBuilder out = new StringBuilder(json.length());
            write(JSON.readTree(json), out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "" : ",");
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> items = node.elements();
            for (int i = 0; items.hasNext(); i++) {
                out.append(i == 0 ? "" : ",");
                write(items.next(), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else {
            out.append(node.toString()); // true, false, null
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }
}
