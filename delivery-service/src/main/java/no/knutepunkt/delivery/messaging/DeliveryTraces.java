package no.knutepunkt.delivery.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import no.knutepunkt.delivery.Delivery;

import java.util.regex.Pattern;

/**
 * Keeps a delivery in its message's trace. The routed event is read long before the EPJ takes the message (a retry,
 * an outage, a pulling EPJ's acknowledgement hours later), so the trace context it came with is kept on the queued
 * message as a W3C {@code traceparent} and is the parent of everything delivery does with it afterwards.
 */
public final class DeliveryTraces {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private DeliveryTraces() {
    }

    /** The current span as a W3C {@code traceparent}, or null when there is none (tracing off). */
    public static String current() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex()
                : null;
    }

    /**
     * Where delivery's work on {@code d} belongs: the current context when it is already in the message's trace (an
     * attempt's span), else the context the message was queued in; the current one when none was kept.
     */
    public static Context of(Delivery d) {
        SpanContext current = Span.current().getSpanContext();
        var kept = d.traceparent == null ? null : TRACEPARENT.matcher(d.traceparent);
        if (kept == null || !kept.matches() || current.isValid() && current.getTraceId().equals(kept.group(1))) {
            return Context.current();
        }
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(kept.group(1), kept.group(2),
                TraceFlags.fromHex(kept.group(3), 0), TraceState.getDefault())));
    }
}
