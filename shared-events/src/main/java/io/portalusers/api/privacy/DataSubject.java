package io.portalusers.api.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The field of an event whose value (its string form: a user's or a registration's id) names
 * the key the event's {@link PersonalData} fields are encrypted with. One per event class that
 * has personal data; the field itself stays readable.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface DataSubject {
}
