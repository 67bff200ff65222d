package io.portalusers.platform.problem;

import io.portalusers.api.InvalidValueException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the raw fields of a request into values, collecting every refusal so that one 400
 * names all the fields that are wrong, not just the first.
 */
public final class FieldErrors {

    private final List<Map<String, String>> errors = new ArrayList<>();

    public <T, R> R parse(String field, T raw, Function<T, R> parser) {
        try {
            if (raw == null) {
                throw new InvalidValueException("is required");
            }
            return parser.apply(raw);
        } catch (InvalidValueException e) {
            add(e.field() == null ? field : field.isEmpty() ? e.field() : field + "." + e.field(), e.getMessage());
        } catch (IllegalArgumentException e) {
            add(field, "is not valid");
        }
        return null;
    }

    public <T, R> R parseOptional(String field, T raw, Function<T, R> parser) {
        return raw == null ? null : parse(field, raw, parser);
    }

    public void add(String field, String message) {
        var error = new LinkedHashMap<String, String>();
        error.put("field", field);
        error.put("message", message);
        errors.add(error);
    }

    /** Throws when any field was refused; otherwise the parsed values are all present. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(List.copyOf(errors));
        }
    }

    public static class InvalidRequestException extends RuntimeException {

        private final List<Map<String, String>> errors;

        InvalidRequestException(List<Map<String, String>> errors) {
            super("the request has invalid fields");
            this.errors = errors;
        }

        public List<Map<String, String>> errors() {
            return errors;
        }
    }
}
