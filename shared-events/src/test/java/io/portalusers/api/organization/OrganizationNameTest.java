package io.portalusers.api.organization;

import io.portalusers.api.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrganizationNameTest {

    private static final String LONGEST = "o".repeat(OrganizationName.MAX_LENGTH);

    @ParameterizedTest(name = "\"{0}\" is kept as \"{1}\"")
    @CsvSource({
            "Acme, Acme",
            "'  Acme Corp  ', Acme Corp",
            "'Cafe\u0301 & Co.', Café & Co.",
    })
    void acceptedNames(String raw, String value) {
        assertThat(OrganizationName.of(raw).value()).isEqualTo(value);
    }

    @Test
    void aNameIsAtMost100Characters() {
        assertThat(OrganizationName.of(LONGEST).value()).isEqualTo(LONGEST);
        assertThatThrownBy(() -> OrganizationName.of(LONGEST + "o")).isExactlyInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "Acme\nCorp", "Acme\rCorp", "Acme\u0000", "Acme\u200BCorp", "Acme\u2028Corp"})
    void refusedNames(String raw) {
        assertThatThrownBy(() -> OrganizationName.of(raw)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest(name = "R-ORG-1: \"{0}\" and \"{1}\" are one name")
    @CsvSource({
            "Acme, ACME",
            "Straße GmbH, STRASSE GMBH",
            "ＡＣＭＥ, acme",
            "'CAFE\u0301', café",
    })
    void variantsOfOneNameShareAKey(String one, String other) {
        assertThat(OrganizationName.of(one).key()).isEqualTo(OrganizationName.of(other).key());
    }

    @ParameterizedTest(name = "R-ORG-1: \"{0}\" and \"{1}\" are two names")
    @CsvSource({
            "Acme, Аcme",
            "Acme, Αcme",
            "Acme Corp, AcmeCorp",
    })
    void lookAlikesAndOtherNamesHaveOtherKeys(String one, String other) {
        assertThat(OrganizationName.of(one).key()).isNotEqualTo(OrganizationName.of(other).key());
    }
}
