package no.knutepunkt.model.event;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The versioned CloudEvents {@code type} of an event record, for example
 * {@code no.knutepunkt.message.received.v1}. A published version is never changed; a breaking change gets a new
 * version and a golden fixture of its own.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {
    String value();
}
