package no.knutepunkt.model.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;

/**
 * The one FHIR R4 context. It is expensive to create and thread-safe; parsers are cheap and are not.
 */
public final class Fhir {

    private static final FhirContext CONTEXT = FhirContext.forR4Cached();

    private Fhir() {
    }

    public static FhirContext context() {
        return CONTEXT;
    }

    /** A parser that rejects unknown elements and resource types instead of skipping them silently. */
    public static IParser strictJsonParser() {
        return CONTEXT.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    public static IParser jsonParser() {
        return CONTEXT.newJsonParser();
    }
}
