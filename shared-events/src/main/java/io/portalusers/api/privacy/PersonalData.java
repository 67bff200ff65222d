package io.portalusers.api.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A field of an event that holds personal data: the event log stores it encrypted with the key
 * of the event's {@link DataSubject}, and once that key is shredded (the person erased) every
 * reader gets {@link Erased} values in its place. The event's other fields stay readable.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface PersonalData {
}
