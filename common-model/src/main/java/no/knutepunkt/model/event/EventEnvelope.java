package no.knutepunkt.model.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope of every event on every topic: CloudEvents 1.0 in structured mode, so that the whole fact lives
 * in the record value and survives export and replay without Kafka headers.
 *
 * @param subject       pseudonymous key of the patient (never a national id), or the register key
 * @param correlationid the message id that the event belongs to
 * @param causationid   the id of the event (or request) that caused this one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(String specversion, String id, String type, String source, Instant time, String subject,
        String correlationid, String causationid, String datacontenttype, JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** A new event caused by {@code cause}, in the same correlation. */
    public static EventEnvelope causedBy(EventEnvelope cause, String source, EventData data) {
        return create(source, cause.subject(), cause.correlationid(), cause.id(), data);
    }

    public static EventEnvelope create(String source, String subject, String correlationId, String causationId,
            EventData data) {
        return new EventEnvelope(SPEC_VERSION, UUID.randomUUID().toString(), EventCatalog.typeOf(data.getClass()),
                source, Instant.now().truncatedTo(ChronoUnit.MICROS), subject, correlationId, causationId,
                "application/json", EventCodec.toTree(data));
    }

    /** The typed payload, read with the record class registered for {@link #type()}. */
    public EventData payload() {
        return EventCodec.fromTree(data, EventCatalog.classOf(type));
    }
}
