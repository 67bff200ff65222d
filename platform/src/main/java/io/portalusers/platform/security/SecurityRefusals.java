package io.portalusers.platform.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.platform.security.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Refusals that look like an attack, made visible to operators: a counter per reason
 * ({@code portal_security_refusals_total{reason=...}}) and one log line each, with the client
 * address, the method and the path. Nothing secret is logged: no header, no query string,
 * and no path segment long enough to be a token (activation links carry theirs in the path).
 */
@Component
public class SecurityRefusals {

    public enum Reason {
        /** A bearer token that is forged, expired, foreign (issuer, audience) or names no usable subject. */
        INVALID_TOKEN("invalid-token"),
        /** An anonymous client past its budget. */
        RATE_LIMITED("rate-limited"),
        /** A URL or parameter the firewall does not let through (encoded separators, control characters). */
        REQUEST_REJECTED("request-rejected"),
        /** A call of the development token endpoint that did not come over the loopback interface. */
        DEV_TOKEN_NOT_LOOPBACK("dev-token-not-loopback"),
        /** A password sign-in refused unchecked: its account, its account from this client, or this client past their failures (R-AUTH-3). */
        SIGN_IN_THROTTLED("sign-in-throttled");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SecurityRefusals.class);
    /** A path segment this long may be a secret (a 43-character activation token, say). */
    private static final int LONGEST_LOGGED_SEGMENT = 16;
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]*");

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
    private final ClientAddresses clients;

    public SecurityRefusals(MeterRegistry meters, ClientAddresses clients) {
        this.clients = clients;
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("portal.security.refusals")
                    .description("requests refused as possible attacks, by reason")
                    .tag("reason", reason.tag())
                    .register(meters));
        }
    }

    /** Counts and logs one refusal; {@code why} is a short fixed phrase of the caller's, never request data. */
    public void record(Reason reason, HttpServletRequest request, String why) {
        record(reason, request.getMethod(), request.getRequestURI(), clients.of(request), why);
    }

    /**
     * The same, where the request is no longer at hand (inside authentication): {@code client}
     * as {@link ClientAddresses#of} gave it.
     */
    public void record(Reason reason, String method, String path, String client, String why) {
        counters.get(reason).increment();
        log.warn("Refused ({}): {} {} from {}{}", reason.tag(), safe(method), safePath(path), safe(client),
                why == null || why.isBlank() ? "" : " - " + why);
    }

    /** The path with long segments replaced and anything unprintable dropped, at most six segments. */
    static String safePath(String uri) {
        if (uri == null) {
            return "";
        }
        String[] segments = uri.split("/", -1);
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < segments.length && i <= 6; i++) {
            String segment = segments[i];
            path.append('/').append(segment.length() > LONGEST_LOGGED_SEGMENT ? "{...}" : safe(segment));
        }
        if (segments.length > 7) {
            path.append("/...");
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    private static String safe(String text) {
        return text != null && PRINTABLE.matcher(text).matches() ? text : "?";
    }
}
