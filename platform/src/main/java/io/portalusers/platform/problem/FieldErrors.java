package io.portalusers.platform.problem;

import io.portalusers.api.InvalidValueException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the raw fields of a request into values, collecting every refusal so that one 400
 * names all the fields that are wrong, not just the first. A field wrong by itself makes the
 * answer's code {@value #INVALID}; fields each valid but not together (which the OpenAPI
 * document cannot say in a schema, only in words) make it {@value #COMBINATION}, so that a
 * client checking its requests against the document can tell the two apart.
 */
public final class FieldErrors {

    public static final String INVALID = "invalid-request";
    public static final String COMBINATION = "invalid-combination";

    private final List<Map<String, String>> errors = new ArrayList<>();
    private boolean fieldInvalid;

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
        fieldInvalid = true;
        record(field, message);
    }

    /** Refuses fields that are valid one by one but not together, as the operation's description says. */
    public void combination(String field, String message) {
        record(field, message);
    }

    private void record(String field, String message) {
        var error = new LinkedHashMap<String, String>();
        error.put("field", field);
        error.put("message", message);
        errors.add(error);
    }

    /** Throws when any field was refused; otherwise the parsed values are all present. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(fieldInvalid ? INVALID : COMBINATION, List.copyOf(errors));
        }
    }

    public static class InvalidRequestException extends RuntimeException {

        private final String code;
        private final List<Map<String, String>> errors;

        InvalidRequestException(String code, List<Map<String, String>> errors) {
            super(code.equals(INVALID) ? "the request has invalid fields" : "the request's fields do not go together");
            this.code = code;
            this.errors = errors;
        }

        public String code() {
            return code;
        }

        public List<Map<String, String>> errors() {
            return errors;
        }
    }
}
