package no.knutepunkt.model.kafka;

import io.opentelemetry.api.trace.Span;
import org.jboss.logging.MDC;

/**
 * Fields every service puts in its log lines (the MDC; JSON logs show them) and on the current trace span, so that
 * one message can be followed through logs and traces alike.
 */
public final class LogFields {

    /** The message's id: what a vendor, a municipality and an operator all quote. Never personal data. */
    public static final String MESSAGE_ID = "messageId";
    /** The same id as a span attribute: a trace backend finds a message's trace by it. */
    public static final String SPAN_MESSAGE_ID = "knutepunkt.message.id";

    private LogFields() {
    }

    /** From here on, in this message's handling, log lines and the current span carry its id. */
    public static void follow(String messageId) {
        MDC.put(MESSAGE_ID, messageId);
        Span.current().setAttribute(SPAN_MESSAGE_ID, messageId);
    }
}
