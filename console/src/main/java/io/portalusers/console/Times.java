package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;

/** The API's instants as the pages show them: UTC, to the second. */
final class Times {

    private Times() {
    }

    static String shown(JsonNode instant) {
        return instant.isMissingNode() || instant.isNull() ? "" : shown(instant.asText());
    }

    static String shown(String instant) {
        return instant.replace('T', ' ').replaceAll("(\\.\\d+)?Z$", " UTC");
    }
}
