package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's refusals in the visitor's language where the console knows them, else in the API's words. */
class VisitorTextsTest {

    private static final Locale GERMAN = Locale.GERMAN;
    private final VisitorTexts texts = new VisitorTexts();

    private static ApiAnswer answer(int status, String json) throws Exception {
        JsonNode body = new ObjectMapper().readTree(json);
        return new ApiAnswer(status, body);
    }

    @Test
    void known_field_errors_are_translated_with_their_numbers_and_the_rule_id() throws Exception {
        ApiAnswer refused = answer(400, """
                {"code": "invalid-request", "errors": [
                  {"field": "username", "message": "must be at least 3 characters"},
                  {"field": "password", "message": "must be 12 to 128 characters long"},
                  {"field": "email", "message": "domain must have at least two labels"}]}""");
        assertThat(texts.fieldErrors(refused, GERMAN))
                .containsEntry("username", "Bitte mindestens 3 Zeichen.")
                .containsEntry("password", "Das Passwort muss 12 bis 128 Zeichen lang sein.")
                .containsEntry("email", "Dies ist keine gültige E-Mail-Adresse.");

        ApiAnswer taken = answer(409, """
                {"code": "R-REG-1", "detail": "an organization with this name exists; registering creates a new organization",
                 "errors": [{"field": "organizationName",
                   "message": "an organization with this name exists; registering creates a new organization"}]}""");
        assertThat(texts.fieldErrors(taken, Locale.FRENCH).get("organizationName"))
                .startsWith("Une organisation de ce nom existe déjà").endsWith("(R-REG-1)");
    }

    @Test
    void an_unknown_refusal_is_shown_in_the_api_s_own_words() throws Exception {
        ApiAnswer refused = answer(422, """
                {"code": "R-NEW-9", "detail": "a rule the console does not know",
                 "errors": [{"field": "firstName", "message": "a phrase the console does not know"}]}""");
        assertThat(texts.fieldErrors(refused, GERMAN))
                .containsEntry("firstName", "a phrase the console does not know (R-NEW-9)");
        assertThat(texts.problem(refused, GERMAN)).isEqualTo("a rule the console does not know (R-NEW-9)");
    }

    @Test
    void known_codes_are_translated_the_rate_limit_with_its_wait() throws Exception {
        ApiAnswer limited = answer(429, """
                {"code": "rate-limited", "detail": "too many requests from this address; try again after 17 s"}""");
        assertThat(texts.problem(limited, GERMAN))
                .isEqualTo("Zu viele Anfragen von Ihrer Adresse: Versuchen Sie es in 17 Sekunden wieder. (rate-limited)");
        assertThat(texts.problem(ApiAnswer.unreachable(), Locale.FRENCH))
                .isEqualTo("Le service est injoignable ; réessayez dans un instant.");
    }
}
