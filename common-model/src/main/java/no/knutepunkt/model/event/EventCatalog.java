package no.knutepunkt.model.event;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Maps versioned type names to records and back, from the permitted subtypes of {@link EventData}. */
public final class EventCatalog {

    private static final Map<String, Class<? extends EventData>> BY_TYPE = Arrays
            .stream(EventData.class.getPermittedSubclasses())
            .map(EventCatalog::asEventClass)
            .collect(Collectors.toUnmodifiableMap(EventCatalog::typeOf, Function.identity()));

    private EventCatalog() {
    }

    public static Map<String, Class<? extends EventData>> all() {
        return BY_TYPE;
    }

    public static String typeOf(Class<?> dataClass) {
        EventType type = dataClass.getAnnotation(EventType.class);
        if (type == null) {
            throw new IllegalArgumentException(dataClass + " has no @EventType");
        }
        return type.value();
    }

    public static Class<? extends EventData> classOf(String type) {
        Class<? extends EventData> dataClass = BY_TYPE.get(type);
        if (dataClass == null) {
            throw new UnknownEventTypeException(type);
        }
        return dataClass;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends EventData> asEventClass(Class<?> c) {
        return (Class<? extends EventData>) c;
    }

    /** An event whose type this version of Knutepunkt does not know; it must be parked, not dropped. */
    public static final class UnknownEventTypeException extends IllegalArgumentException {
        public UnknownEventTypeException(String type) {
            super("unknown event type " + type);
        }
    }
}
