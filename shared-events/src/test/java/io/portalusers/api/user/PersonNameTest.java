package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PersonNameTest {

    private static final String LONGEST = "n".repeat(PersonName.MAX_LENGTH);

    @ParameterizedTest(name = "\"{0}\" \"{1}\" is {2}")
    @CsvSource({
            "Ada, Lovelace, Ada Lovelace",
            "'  Zoe\u0308 ', ' O''Brien-Smith ', Zoë O'Brien-Smith",
            "José María, García Márquez, José María García Márquez",
            "太郎, 山田, 太郎 山田",
    })
    void acceptedNames(String first, String last, String fullName) {
        assertThat(new PersonName(first, last).fullName()).isEqualTo(fullName);
    }

    @Test
    void eachPartIsAtMost100Characters() {
        assertThat(new PersonName(LONGEST, LONGEST).firstName()).isEqualTo(LONGEST);
        assertThatThrownBy(() -> new PersonName(LONGEST + "n", "Lovelace")).isExactlyInstanceOf(InvalidValueException.class);
    }

    static Stream<Arguments> refusedNames() {
        return Stream.of(
                arguments(null, "Lovelace", "firstName"),
                arguments("", "Lovelace", "firstName"),
                arguments("   ", "Lovelace", "firstName"),
                arguments("Ada", null, "lastName"),
                arguments("Ada", "\t", "lastName"),
                arguments("Ada\r\nBcc: x@example.com", "Lovelace", "firstName"),
                arguments("Ada", "Love\nlace", "lastName"),
                arguments("Ada", "Love\u0000lace", "lastName"),
                arguments("Ada\u202E", "Lovelace", "firstName"),
                arguments("Ada", "Lovelace" + LONGEST, "lastName"));
    }

    @ParameterizedTest(name = "\"{0}\" \"{1}\" is refused in {2}")
    @MethodSource
    void refusedNames(String first, String last, String field) {
        assertThatThrownBy(() -> new PersonName(first, last))
                .isExactlyInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field())
                .isEqualTo(field);
    }
}
