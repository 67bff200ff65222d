package io.portalusers.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.support.ResourceBundleMessageSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The words of the pages for people who are not signed in (forgot password, new password,
 * sign-up) in English, German or French ({@code console/visitor*.properties}): the {@code lang}
 * the link carries, else the browser's preference, else English.
 */
final class VisitorTexts {

    static final List<String> LANGUAGES = List.of("en", "de", "fr");

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
