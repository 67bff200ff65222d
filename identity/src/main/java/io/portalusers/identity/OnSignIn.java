package io.portalusers.identity;

import io.portalusers.platform.PlatformEnvironment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Sign-in runs where {@code portal.identity.issuer} is set, and on the embedded default. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ConditionalOnExpression("'${" + PlatformEnvironment.OWN_ISSUER + ":}' != '' or ${" + PlatformEnvironment.EMBEDDED + ":false}")
@interface OnSignIn {
}
