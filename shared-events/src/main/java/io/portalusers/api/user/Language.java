package io.portalusers.api.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.InvalidValueException;

import java.util.Locale;
import java.util.regex.Pattern;

/** A BCP 47 language tag; it chooses the language of the emails a user receives. */
public record Language(String tag) {

    private static final Pattern TAG = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");

    public static final Language ENGLISH = new Language("en");

    public Language {
        String canonical = tag != null && TAG.matcher(tag).matches() ? Locale.forLanguageTag(tag).toLanguageTag() : "";
        // The canonical form is checked too: grandfathered tags turn into private-use ones
        // (en-GB-oed into en-GB-x-oed) that this pattern refuses, so a stored tag could not be read back.
        if (!TAG.matcher(canonical).matches()) {
            throw new InvalidValueException("must be a language tag such as en or de-CH");
        }
        tag = canonical;
    }

    @JsonCreator
    public static Language of(String tag) {
        return new Language(tag);
    }

    public Locale locale() {
        return Locale.forLanguageTag(tag);
    }

    @JsonValue
    @Override
    public String toString() {
        return tag;
    }
}
