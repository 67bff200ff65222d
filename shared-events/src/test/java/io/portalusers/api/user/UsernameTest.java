package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsernameTest {

    @ParameterizedTest(name = "\"{0}\" is kept as \"{1}\"")
    @CsvSource({
            "robert, robert",
            "'  Robert  ', Robert",
            "'Zoe\u0308', Zoë",
            "j.doe_1-x+y@corp, j.doe_1-x+y@corp",
            "abc, abc",
            "中文名, 中文名",
    })
    void acceptedUsernames(String raw, String value) {
        assertThat(Username.of(raw).value()).isEqualTo(value);
    }

    @ParameterizedTest(name = "64 times \"{0}\" is the longest")
    @ValueSource(strings = {"u", "𝐮"})
    void upTo64CharactersAreAccepted(String letter) {
        String longest = letter.repeat(Username.MAX_LENGTH);

        assertThat(Username.of(longest).value()).isEqualTo(longest);
        assertThatThrownBy(() -> Username.of(longest + letter)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {
            "   ", "ab", "𝐮𝐮", "rob ert", "rob\nert", "rob\rert", "rob\tert", "rob\u0000ert", "rob\u200Bert",
            "rob\u202Eert", "rob#ert", "rob/ert", "rob,ert", "rob\u00A0ert",
    })
    void refusedUsernames(String raw) {
        assertThatThrownBy(() -> Username.of(raw)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest(name = "R-ADD-6: \"{0}\" and \"{1}\" are one username")
    @CsvSource({
            "Robert, ROBERT",
            "straße, STRASSE",
            "STRAẞE, strasse",
            "ｒｏｂｅｒｔ, robert",
            "'Zoe\u0308', ZOË",
            "ﬁona, FIONA",
    })
    void variantsOfOneNameShareAKey(String one, String other) {
        assertThat(Username.of(one).key()).isEqualTo(Username.of(other).key());
    }

    @ParameterizedTest(name = "R-ADD-6: \"{0}\" and \"{1}\" are two usernames")
    @CsvSource({
            "robert, rоbert",
            "robert, rοbert",
            "robert, robert1",
            "robert, r.obert",
    })
    void lookAlikesAndOtherNamesHaveOtherKeys(String one, String other) {
        assertThat(Username.of(one).key()).isNotEqualTo(Username.of(other).key());
    }
}
