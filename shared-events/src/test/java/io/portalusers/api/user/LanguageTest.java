package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanguageTest {

    @ParameterizedTest(name = "\"{0}\" is kept as {1}")
    @CsvSource({
            "en, en",
            "EN, en",
            "de-CH, de-CH",
            "de-ch, de-CH",
            "sr-latn-rs, sr-Latn-RS",
            "zh-Hant-TW, zh-Hant-TW",
            "de-DE-1901, de-DE-1901",
            "iw, he",
            "zh-min-nan, nan",
    })
    void acceptedTagsAreKeptInCanonicalFormAndReadBack(String raw, String tag) {
        Language language = Language.of(raw);

        assertThat(language.tag()).isEqualTo(tag);
        assertThat(Language.of(language.toString())).isEqualTo(language);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"e", "english", "en_US", "en US", "en-", "-en", "en-a-b", "en-GB-oed", "cel-gaulish", "zh-min", "en\n"})
    void refusedTags(String raw) {
        assertThatThrownBy(() -> Language.of(raw)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @Test
    void theTagChoosesTheLocaleOfEmails() {
        assertThat(Language.of("de-CH").locale()).isEqualTo(Locale.forLanguageTag("de-CH"));
        assertThat(Language.ENGLISH.locale()).isEqualTo(Locale.ENGLISH);
    }
}
