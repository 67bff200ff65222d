package io.portalusers.api.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A field naming the person whose erasure also shreds the event's {@link DataSubject} key: a
 * registration becomes a user, and erasing that user erases what the registration recorded.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface ErasedWith {
}
