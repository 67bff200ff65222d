package io.portalusers.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTest {

    private static final int MAX = 7;

    @ParameterizedTest(name = "\"{0}\" is kept as \"{1}\"")
    @CsvSource({
            "'  Zoe\u0308  ', Zoë",
            "'\u2028Ada\t', Ada",
            "'O''Brien', O'Brien",
            "'𝐚𝐛𝐜𝐝𝐞𝐟𝐠', 𝐚𝐛𝐜𝐝𝐞𝐟𝐠",
    })
    void singleLineTrimsAndComposes(String raw, String kept) {
        assertThat(Text.singleLine(raw, MAX)).isEqualTo(kept);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {
            " \t ", "abcdefgh", "𝐚𝐛𝐜𝐝𝐞𝐟𝐠𝐡", "a\nb", "a\rb", "a\u0000b", "a\u007Fb", "a\u0085b", "a\u2028b", "a\u200Bb",
            "a\u202Eb", "a\uFEFFb", "a\uE000b", "a\uD800b", "a\u0378b",
    })
    void singleLineRefusesBlanksControlsAndTooLong(String raw) {
        assertThatThrownBy(() -> Text.singleLine(raw, MAX)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest(name = "\"{0}\" and \"{1}\" meet")
    @CsvSource({
            "Robert, ROBERT",
            "straße, STRASSE",
            "ß, ss",
            "ẞ, ß",
            "STRAẞE, strasse",
            "ｒｏｂｅｒｔ, robert",
            "ﬁle, FILE",
            "'e\u0301', é",
            "ΟΔΟΣ, οδος",
            "\u2126, ω",
            "\u212A, k",
            "Ǆ, dž",
    })
    void caseWidthAndCompositionVariantsMeet(String one, String other) {
        assertThat(Text.foldCase(one)).isEqualTo(Text.foldCase(other));
    }

    @ParameterizedTest(name = "\"{0}\" and \"{1}\" stay apart")
    @CsvSource({
            "apple, аpple",
            "paypal, раураl",
            "robert, rοbert",
            "BOB, ВОВ",
            "straße, strase",
            "é, e",
    })
    void lookAlikesAndOtherLettersStayApart(String one, String other) {
        assertThat(Text.foldCase(one)).isNotEqualTo(Text.foldCase(other));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"Robert", "ẞ", "STRAẞE", "ｒｏｂｅｒｔ", "ΟΔΟΣ", "İstanbul", "ﬁ", "e\u0301", "Ǆ"})
    void foldingAFoldedTextChangesNothing(String text) {
        String folded = Text.foldCase(text);

        assertThat(Text.foldCase(folded)).isEqualTo(folded);
    }
}
