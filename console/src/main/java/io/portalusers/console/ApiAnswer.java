package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the API answered: its status and JSON body. A refusal is shown as the API words it
 * (problem+json {@code detail}, its {@code code}, the field errors): the console adds no rule.
 */
record ApiAnswer(int status, JsonNode body) {

    static ApiAnswer unreachable() {
        return new ApiAnswer(503, MissingNode.getInstance());
    }

    boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The refusal's words: its detail, then its rule id (code) in brackets where it has one. */
    String problem() {
        if (status == 503 && body.isMissingNode()) {
            return "The API cannot be reached; try again in a moment.";
        }
        String detail = body.path("detail").asText(body.path("title").asText("The request was refused (" + status + ")."));
        String code = body.path("code").asText("");
        return code.isEmpty() ? detail : detail + " (" + code + ")";
    }

    String code() {
        return body.path("code").asText("");
    }

    /** The field errors by field; a field the form does not show is kept under its own name. */
    Map<String, String> fieldErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode error : body.path("errors")) {
            errors.merge(error.path("field").asText(""), error.path("message").asText(), (a, b) -> a + "; " + b);
        }
        return errors;
    }
}
