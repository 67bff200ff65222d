package io.portalusers.platform.request;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;
import org.slf4j.MDC;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every command and event carries besides its payload: who asked (the actor), the
 * correlation id that ties a request to its events, and the reason the caller gave.
 */
public final class RequestMetadata {

    public static final String ACTOR_ID = "actorId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String REASON = "reason";
    /**
     * The client address of an anonymous request that acts as a user (the holder of an
     * activation link): with no account signed in, the address is what tells who acted.
     */
    public static final String SOURCE_ADDRESS = "sourceAddress";

    public static final String CORRELATION_ID_HEADER = "X-Correlation-Id";
    /** Optional; percent-encode what is not ASCII. */
    public static final String REASON_HEADER = "X-Reason";
    public static final int MAX_REASON_LENGTH = 500;

    /** The actor of work the service does on its own (the bootstrap admin, scheduled work). */
    public static final String SYSTEM_ACTOR = "system";

    private static final Pattern CORRELATION_ID_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestMetadata() {
    }

    public static boolean isAcceptableCorrelationId(String candidate) {
        return candidate != null && CORRELATION_ID_FORMAT.matcher(candidate).matches();
    }

    /** The user id of the request's authenticated caller; empty for anonymous requests. */
    public static Optional<String> currentActorId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of(authentication.getName());
    }

    public static String currentCorrelationId() {
        return MDC.get(CORRELATION_ID);
    }

    /** The reason the caller gave in {@value #REASON_HEADER}, validated; empty when none. */
    public static Optional<String> currentReason() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        Object raw = attributes == null ? null : attributes.getAttribute(REASON_HEADER, RequestAttributes.SCOPE_REQUEST);
        if (raw == null || raw.toString().isBlank()) {
            return Optional.empty();
        }
        try {
            String decoded = URLDecoder.decode(raw.toString().replace("+", "%2B"), StandardCharsets.UTF_8);
            return Optional.of(Text.singleLine(decoded, MAX_REASON_LENGTH));
        } catch (InvalidValueException e) {
            throw e.inField(REASON_HEADER);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(REASON_HEADER, "is not valid percent-encoded UTF-8");
        }
    }
}
