package no.knutepunkt.ingest.rest;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body as text, decoded by the charset its Content-Type declares (UTF-8 when it declares none), never
 * repaired: a byte that is not text in that charset is refused, since a replacement character in a patient record is
 * a silent corruption. A byte-order mark before the JSON is dropped (.NET and Windows tools write one).
 */
final class BodyText {

    private static final Pattern CHARSET = Pattern.compile(";\\s*charset\\s*=\\s*\"?([^\";\\s]+)\"?",
            Pattern.CASE_INSENSITIVE);

    private BodyText() {
    }

    static String decode(String contentType, byte[] body) {
        Charset charset = charsetOf(contentType);
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate((int) (body.length * (double) decoder.maxCharsPerByte()) + 1);
        var result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new Rejection(400, Outcomes.error(IssueType.STRUCTURE, VkpCode.INVALID_FORMAT, "body-encoding",
                    "the body is not valid " + charset.name() + ": byte " + in.position() + " starts a sequence that"
                            + " is not text in it (declare the charset the body is written in; UTF-8 if none)"));
        }
        out.flip();
        if (out.length() > 0 && out.charAt(0) == '\uFEFF') {
            out.position(1);
        }
        return out.toString();
    }

    private static Charset charsetOf(String contentType) {
        Matcher m = contentType == null ? null : CHARSET.matcher(contentType);
        if (m == null || !m.find()) {
            return StandardCharsets.UTF_8;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new Rejection(415, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "charset",
                    "the charset " + Outcomes.bounded(name, 40) + " is not supported; send UTF-8"));
        }
    }
}
