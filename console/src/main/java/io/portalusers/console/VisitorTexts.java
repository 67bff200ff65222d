package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.support.ResourceBundleMessageSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of the pages for people who are not signed in (forgot password, new password,
 * sign-up) in English, German or French ({@code console/visitor*.properties}): the {@code lang}
 * the link carries, else the browser's preference, else English.
 *
 * <p>The API words its refusals in English, with stable codes (a rule id such as R-REG-1, or
 * {@code rate-limited}) and field errors of a few fixed phrases. The visitor's pages show them
 * in the page's language ({@code api.*} texts): by the phrase for a field error, by the code
 * for the refusal as a whole, keeping the rule id in brackets where there is one. A refusal
 * not known here is shown in the API's own words, so a new rule of the API is never hidden.
 */
final class VisitorTexts {

    static final List<String> LANGUAGES = List.of("en", "de", "fr");
    private static final Pattern RETRY_AFTER = Pattern.compile("after (\\d+) s");
    /** The API's field error phrases (whole, numbers as groups) and their texts, first match wins. */
    private static final Map<Pattern, String> PHRASES = new LinkedHashMap<>();

    static {
        phrase("is required|must not be blank", "api.required");
        phrase("must be at most (\\d+) characters", "api.tooLong");
        phrase("must be at least (\\d+) characters", "api.tooShort");
        phrase("may contain letters, digits and .*", "api.usernameCharacters");
        phrase("must be a language tag.*", "api.language");
        phrase("must contain exactly one @|local part .*|domain .*", "api.email");
        phrase("must not contain control characters", "api.controlCharacters");
        phrase("is not valid", "api.invalid");
        phrase("the terms must be accepted.*", "api.terms");
        phrase("an organization with this name exists.*|another registration for an organization with this name.*",
                "api.organizationTaken");
        phrase("must be (\\d+) to (\\d+) characters long", "api.passwordLength");
        phrase("is one of the most common passwords", "api.passwordCommon");
        phrase("must not contain the username", "api.passwordUsername");
    }

    private static void phrase(String regex, String key) {
        PHRASES.put(Pattern.compile(regex), key);
    }

    private final ResourceBundleMessageSource texts = new ResourceBundleMessageSource();
    private final List<String> keys;

    VisitorTexts() {
        texts.setBasename("console/visitor");
        texts.setDefaultEncoding("UTF-8");
        texts.setFallbackToSystemLocale(false);
        // the English texts name every key
        Properties english = new Properties();
        try (InputStream in = Objects.requireNonNull(VisitorTexts.class.getResourceAsStream("/console/visitor.properties"),
                "console/visitor.properties")) {
            english.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys = english.stringPropertyNames().stream().sorted().toList();
    }

    /** Every text in {@code locale}, by key, for a page's {@code t}. */
    Map<String, String> all(Locale locale) {
        Map<String, String> all = new TreeMap<>();
        for (String key : keys) {
            all.put(key, texts.getMessage(key, null, locale));
        }
        return all;
    }

    String get(String key, Locale locale, Object... args) {
        return texts.getMessage(key, args, locale);
    }

    /** The refusal as a whole, in the visitor's language where its code is known. */
    String problem(ApiAnswer answer, Locale locale) {
        String code = answer.code();
        String text;
        if (answer.status() == 503 && answer.body().isMissingNode()) {
            text = texts.getMessage("api.unreachable", null, locale);
        } else if (code.equals("rate-limited")) {
            Matcher after = RETRY_AFTER.matcher(answer.body().path("detail").asText(""));
            text = texts.getMessage("api.rateLimited", new Object[]{after.find() ? after.group(1) : "60"}, locale);
        } else {
            text = code.isEmpty() ? null : texts.getMessage("api." + code, null, null, locale);
        }
        if (text == null) {
            return answer.problem();
        }
        return code.isEmpty() ? text : text + " (" + code + ")";
    }

    /** The field errors by field, each in the visitor's language where its phrase is known; a rule's id in brackets. */
    Map<String, String> fieldErrors(ApiAnswer answer, Locale locale) {
        String rule = answer.code().startsWith("R-") ? " (" + answer.code() + ")" : "";
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode error : answer.body().path("errors")) {
            errors.merge(error.path("field").asText(""), fieldError(error.path("message").asText(), locale),
                    (a, b) -> a + " " + b);
        }
        errors.replaceAll((field, said) -> said + rule);
        return errors;
    }

    private String fieldError(String message, Locale locale) {
        for (Map.Entry<Pattern, String> phrase : PHRASES.entrySet()) {
            Matcher matched = phrase.getKey().matcher(message.strip());
            if (matched.matches()) {
                Object[] numbers = new Object[matched.groupCount()];
                for (int i = 0; i < numbers.length; i++) {
                    numbers[i] = matched.group(i + 1); // as text: no digit grouping
                }
                return texts.getMessage(phrase.getValue(), numbers.length == 0 ? null : numbers, locale);
            }
        }
        return message;
    }

    static Locale locale(String lang, HttpServletRequest request) {
        if (lang != null && LANGUAGES.contains(lang.toLowerCase(Locale.ROOT))) {
            return Locale.forLanguageTag(lang.toLowerCase(Locale.ROOT));
        }
        String header = request.getHeader("Accept-Language");
        try {
            Locale found = header == null ? null : Locale.lookup(Locale.LanguageRange.parse(header),
                    LANGUAGES.stream().map(Locale::forLanguageTag).toList());
            return found == null ? Locale.ENGLISH : found;
        } catch (IllegalArgumentException malformed) {
            return Locale.ENGLISH;
        }
    }
}
