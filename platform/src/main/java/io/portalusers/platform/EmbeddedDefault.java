package io.portalusers.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an application class: this application may run on the embedded default (an embedded
 * PostgreSQL, a local signing key, the development token endpoint) when no database is
 * configured. Only the standalone jar carries it. Without it, an application started with
 * no {@code spring.datasource.url} refuses to start: a misspelled environment variable must
 * not turn a production node into one that mints tokens for anyone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EmbeddedDefault {
}
