package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a user's history says its events set: personal fields are stored encrypted, so a test
 * that wants to know whether a name or an email reached the log reads it the way an auditor
 * does, through {@code /api/users/{id}/history}, never by searching the stored payloads.
 */
final class HistoryChanges {

    private HistoryChanges() {
    }

    /** How many of {@code user}'s events (its first 100) set {@code field} to {@code value}. */
    static long settingTo(Api api, String token, String user, String field, String value) {
        Api.Response history = api.get("/api/users/" + user + "/history?size=100").token(token).send();
        if (history.status() != 200) {
            throw new AssertionError("history of " + user + ": " + history);
        }
        long count = 0;
        for (JsonNode entry : history.json().get("items")) {
            for (JsonNode change : entry.path("changes")) {
                if (change.path("field").asText().equals(field) && change.path("after").asText().equals(value)) {
                    count++;
                }
            }
        }
        return count;
    }
}
