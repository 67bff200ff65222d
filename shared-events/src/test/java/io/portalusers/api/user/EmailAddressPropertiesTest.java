package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The canonical form of an email address (idempotent, look-alikes kept apart, 64/254 length
 * limits), and its uniqueness key (R-ADD-6), property-tested.
 */
class EmailAddressPropertiesTest {

    private static final String ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SPECIALS = "!#$%&'*+/=?^_`{|}~-";
    // Each of these has its other-case forms among the letters a local part may hold (ΐ, whose
    // capital needs a combining mark, has not); the last ones lie beyond the 16-bit range.
    private static final String UNICODE_LETTERS = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßẞœŒÀÉÎÕÜÇÑØÅÆ"
            + "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒΓΔΣΩ"
            + "абвгдежзийклмнопрстуфхцчшщъыьэюяёАБВЖЯЁ"
            + "中文例子日本語한국어ａｂｃｘｙｚＡＢＣＸＹＺ０１２"
            + "𝐚𝐛𝐜𝐀𝐁𝐂𠀀𠀁𠀂";
    // Letters IDNA 2003 (Java's IDN) maps case-insensitively; dotless ı is a DNS name of its own.
    private static final String DOMAIN_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
            + "äöüéèçñåøαβγδεζηθабвгдежз例子中文ａｂｃ";
    private static final List<String> LABEL_SEPARATORS = List.of(".", "。", "．", "｡");
    private static final List<String> TOP_LEVEL = List.of("com", "de", "example", "org", "рф", "中国");

    // A Latin letter, then its Cyrillic or Greek look-alike.
    private static final List<String> LOOK_ALIKES = List.of(
            "aа", "cс", "eе", "oо", "pр", "xх", "yу", "iі", "sѕ", "jј", "AА", "BВ", "EЕ", "HН", "KК", "MМ", "OО",
            "PР", "TТ", "XХ", "oο", "vν", "uυ", "iι", "AΑ", "BΒ", "EΕ", "ZΖ", "HΗ", "IΙ", "KΚ", "MΜ", "NΝ", "OΟ",
            "PΡ", "TΤ", "XΧ", "YΥ");

    @Property
    void canonicalizingACanonicalAddressChangesNothing(@ForAll("addresses") String raw) {
        EmailAddress address = EmailAddress.of(raw);
        EmailAddress again = EmailAddress.of(address.toString());

        assertThat(again).isEqualTo(address);
        assertThat(again.key()).isEqualTo(address.key());
    }

    @Property
    void lettersDifferingOnlyInCaseAreOneAccount(@ForAll("addresses") String raw, @ForAll long seed) {
        String key = EmailAddress.of(raw).key();

        assertThat(EmailAddress.of(raw.toUpperCase(Locale.ROOT)).key()).isEqualTo(key);
        assertThat(EmailAddress.of(raw.toLowerCase(Locale.ROOT)).key()).isEqualTo(key);
        assertThat(EmailAddress.of(mixedCase(raw, new Random(seed))).key()).isEqualTo(key);
    }

    @Property
    void composedAndDecomposedFormsAreOneAddress(@ForAll("addresses") String raw) {
        EmailAddress composed = EmailAddress.of(Normalizer.normalize(raw, Normalizer.Form.NFC));

        assertThat(EmailAddress.of(Normalizer.normalize(raw, Normalizer.Form.NFD))).isEqualTo(composed);
    }

    @Property
    void fullWidthAndCompatibilityFormsAreOneAccount(@ForAll("addresses") String raw) {
        String key = EmailAddress.of(raw).key();

        assertThat(EmailAddress.of(Normalizer.normalize(raw, Normalizer.Form.NFKC)).key()).isEqualTo(key);
        assertThat(EmailAddress.of(Normalizer.normalize(raw, Normalizer.Form.NFKD)).key()).isEqualTo(key);
    }

    @Property
    void lookAlikesFromOtherScriptsStayApart(@ForAll("lookAlikes") List<String> pair) {
        EmailAddress latin = EmailAddress.of(pair.get(0));
        EmailAddress lookAlike = EmailAddress.of(pair.get(1));

        assertThat(lookAlike.key()).isNotEqualTo(latin.key());
    }

    @Property
    void localPartIsAtMost64Characters(@ForAll("localPartsNear64") String local) {
        String raw = local + "@example.com";

        if (local.codePointCount(0, local.length()) <= EmailAddress.MAX_LOCAL_PART) {
            assertThat(EmailAddress.of(raw).localPart()).isEqualTo(local);
        } else {
            assertRefused(raw);
        }
    }

    @Property
    void addressIsAtMost254Characters(@ForAll("localParts") String local, @ForAll @IntRange(min = -3, max = 3) int over) {
        int length = EmailAddress.MAX_LENGTH + over;
        String raw = local + "@" + domainOfLength(length - 1 - local.codePointCount(0, local.length()));

        if (over <= 0) {
            assertThat(EmailAddress.of(raw).toString()).isEqualTo(raw);
        } else {
            assertRefused(raw);
        }
    }

    @Example
    void exactlyTheLimitsAreAccepted() {
        String longestLocal = "l".repeat(64);

        assertThat(EmailAddress.of(longestLocal + "@example.com").localPart()).isEqualTo(longestLocal);
        assertThat(EmailAddress.of(longestLocal + "@" + domainOfLength(189)).toString()).hasSize(254);
        assertRefused("l".repeat(65) + "@example.com");
        assertRefused(longestLocal + "@" + domainOfLength(190));
    }

    @Example
    void theLimitCountsTheAsciiFormOfAnInternationalDomain() {
        String domain = ("ü".repeat(20) + ".").repeat(8) + "de";
        String raw = "l".repeat(64) + "@" + domain;

        assertThat(raw.length()).isLessThanOrEqualTo(EmailAddress.MAX_LENGTH);
        assertRefused(raw);
    }

    @Property
    void mangledAddressesAreRefused(@ForAll("mangled") String raw) {
        assertRefused(raw);
    }

    @Example
    void nullIsRefused() {
        assertRefused(null);
    }

    @Property
    void anyTextIsEitherACanonicalAddressOrRefused(@ForAll("anyText") String raw) {
        EmailAddress address;
        try {
            address = EmailAddress.of(raw);
        } catch (InvalidValueException refused) {
            return;
        }
        assertThat(EmailAddress.of(address.toString())).isEqualTo(address);
    }

    private static void assertRefused(String raw) {
        assertThatThrownBy(() -> EmailAddress.of(raw)).isExactlyInstanceOf(InvalidValueException.class);
    }

    @Provide
    Arbitrary<String> addresses() {
        return Combinators.combine(localParts(), domains()).as((local, domain) -> local + "@" + domain);
    }

    @Provide
    Arbitrary<String> localParts() {
        Arbitrary<String> character = Arbitraries.frequencyOf(
                Tuple.of(4, codePointOf(ASCII)), Tuple.of(1, codePointOf(SPECIALS)), Tuple.of(3, codePointOf(UNICODE_LETTERS)));
        Arbitrary<String> atom = character.list().ofMinSize(1).ofMaxSize(6).map(EmailAddressPropertiesTest::concatenated);
        return atom.list().ofMinSize(1).ofMaxSize(3).map(atoms -> String.join(".", atoms));
    }

    @Provide
    Arbitrary<String> localPartsNear64() {
        Arbitrary<String> character = Arbitraries.oneOf(codePointOf(ASCII), codePointOf(UNICODE_LETTERS));
        return Arbitraries.integers().between(60, 68)
                .flatMap(length -> character.list().ofSize(length).map(EmailAddressPropertiesTest::concatenated));
    }

    private Arbitrary<String> domains() {
        Arbitrary<String> letters = codePointOf(DOMAIN_LETTERS).list().ofMinSize(1).ofMaxSize(8).map(EmailAddressPropertiesTest::concatenated);
        Arbitrary<String> label = Arbitraries.oneOf(letters, Combinators.combine(letters, letters).as((a, b) -> a + "-" + b));
        return Combinators.combine(label.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(TOP_LEVEL), Arbitraries.of(LABEL_SEPARATORS))
                .as((labels, top, dot) -> String.join(dot, labels) + dot + top);
    }

    private static Arbitrary<String> codePointOf(String alphabet) {
        return Arbitraries.of(alphabet.codePoints().mapToObj(Character::toString).toList());
    }

    /** An all-Latin address, and the same with one letter replaced by its Cyrillic or Greek look-alike. */
    @Provide
    Arbitrary<List<String>> lookAlikes() {
        Arbitrary<String> latin = codePointOf(ASCII).list().ofMaxSize(8).map(EmailAddressPropertiesTest::concatenated);
        return Combinators.combine(latin, Arbitraries.of(LOOK_ALIKES), latin, Arbitraries.of(true, false))
                .as((before, letters, after, inDomain) -> {
                    String latinPart = before + letters.charAt(0) + after;
                    String spoofedPart = before + letters.charAt(1) + after;
                    return inDomain
                            ? List.of("user@" + latinPart + ".example", "user@" + spoofedPart + ".example")
                            : List.of(latinPart + "@example.com", spoofedPart + "@example.com");
                });
    }

    @Provide
    Arbitrary<String> mangled() {
        Arbitrary<String> inside = Arbitraries.of(
                "@", "\r", "\n", "\r\n", "\t", "\u0000", "\u0007", "\u007F", "\u0085", "\u2028", "\u2029",
                "\u200B", "\u200E", "\u202E", "\uFEFF", "\u00AD", " ", "\u00A0", "\u3000");
        Arbitrary<String> insertedInside = Combinators.combine(addresses(), inside, Arbitraries.integers().greaterOrEqual(0))
                .as((address, insert, at) -> {
                    int position = 1 + Math.floorMod(at, address.length() - 1);
                    return address.substring(0, position) + insert + address.substring(position);
                });
        Arbitrary<String> badDots = Combinators.combine(localParts(), domains(), Arbitraries.integers().between(0, 2))
                .as((local, domain, defect) -> switch (defect) {
                    case 0 -> "." + local + "@" + domain;
                    case 1 -> local + ".@" + domain;
                    default -> local.substring(0, local.length() / 2) + ".." + local.substring(local.length() / 2) + "@" + domain;
                });
        Arbitrary<String> badDomains = Combinators.combine(localParts(), Arbitraries.of(
                "", "com", "localhost", ".example.com", "example.com.", "example..com", "-example.com", "example-.com",
                "exa_mple.com", "exa!mple.com", "[127.0.0.1]", "l".repeat(64) + ".com", "example.c-", "xn--.com",
                "b\u00FCcher.\u3002example", "e\uFF20xample.com"))
                .as((local, domain) -> local + "@" + domain);
        Arbitrary<String> tooLong = Combinators.combine(addresses(), Arbitraries.integers().between(255, 10_000), Arbitraries.of(true, false))
                .as((address, length, inLocal) -> inLocal
                        ? "l".repeat(length) + address
                        : address + "x".repeat(length));
        Arbitrary<String> empty = Arbitraries.of("", " ", "\t\n", "@", "@example.com", "user@", "user", "user@@example.com");
        return Arbitraries.oneOf(insertedInside, badDots, badDomains, tooLong, empty);
    }

    @Provide
    Arbitrary<String> anyText() {
        Arbitrary<String> addressLike = Arbitraries.strings()
                .withChars("@.-_+aZ0 \r\n\t\u00FC\u0301\u3002\uFF0E\uFF20")
                .withCharRange('\uD800', '\uDFFF')
                .withCharRange('\u0400', '\u04FF')
                .ofMaxLength(80);
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                addressLike,
                Combinators.combine(addressLike, addressLike).as((a, b) -> a + "@" + b),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20).map(text -> text.repeat(10_000 / text.length())));
    }

    private static String concatenated(List<String> parts) {
        return String.join("", parts);
    }

    private static String mixedCase(String text, Random random) {
        return text.codePoints()
                .map(c -> switch (random.nextInt(3)) {
                    case 0 -> Character.toUpperCase(c);
                    case 1 -> Character.toLowerCase(c);
                    default -> c;
                })
                .mapToObj(Character::toString)
                .collect(Collectors.joining());
    }

    /** An ASCII domain of exactly this many characters, in two or more labels of at most 63. */
    private static String domainOfLength(int length) {
        StringBuilder domain = new StringBuilder();
        while (length - domain.length() > 63) {
            domain.append("d".repeat(61)).append('.');
        }
        return domain.append("e".repeat(length - domain.length())).toString();
    }
}
