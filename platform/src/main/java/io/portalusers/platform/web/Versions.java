package io.portalusers.platform.web;

import io.portalusers.api.InvalidValueException;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.util.Map;

/**
 * Versions travel as strong ETags ({@code "3"}); a caller sends back the one it read in
 * {@code If-Match}, and a change made meanwhile makes the request a 409.
 */
public final class Versions {

    private Versions() {
    }

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The answer to a command that created a resource: 201, its Location, its version as ETag. */
    public static ResponseEntity<Map<String, Object>> created(String collection, Object id, long version) {
        return ResponseEntity.created(URI.create(collection + "/" + id))
                .eTag(etag(version))
                .body(Map.of("id", id.toString(), "version", version));
    }

    /** The answer to a command that changed a resource (or found nothing to change): 200 and its version. */
    public static ResponseEntity<Map<String, Object>> changed(Object id, long version) {
        return ResponseEntity.ok().eTag(etag(version)).body(Map.of("id", id.toString(), "version", version));
    }

    /** The version an If-Match header names, or null when there is none (or it is *). */
    public static Long fromIfMatch(String header) {
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        String value = header.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            long version = Long.parseLong(value);
            if (version < 0) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw new InvalidValueException("must be an ETag this service returned, such as \"3\"");
        }
    }
}
