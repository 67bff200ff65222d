package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.query.users.SearchSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/users} and {@code GET /api/users/suggestions} (R-SEARCH-1..4; results and
 * counts never show a user the actor may not see; wildcards, quotes and very long terms match
 * literally with a bounded page), over users created through the API. Each test's users carry a marker of its
 * own in their names and emails, or sit in organizations of their own, so that the users
 * of other tests never match.
 */
class UserSearchApiTest extends ApiTest {

    private static final Duration PROJECTION_DELAY = Duration.ofSeconds(10);

    /** Letters only, so that the marker alone is a term trigrams can find. */
    private final String marker = letters(10);

    @Autowired
    private ApplicationContext context;

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }



    private String developer(String firstName, String lastName, String organization) {
        return user(firstName, lastName, letters(12) + "@" + marker + ".example", "DEVELOPER",
                organization, "DEVELOPER");
    }

    private Api.Response search(String token, String query) {
        return api.get("/api/users?" + query).token(token).send();
    }

    private Api.Response suggest(String token, String query) {
        return api.get("/api/users/suggestions?" + query).token(token).send();
    }

    private static List<String> ids(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode items = response.json().has("items") ? response.json().get("items") : response.json();
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    /** The ids of every match, in the order of the search. */
    private List<String> found(String token, String query) {
        return ids(search(token, query + "&size=100"));
    }

    /** Waits until the query side shows {@code count} users matching {@code query} to the Portal Admin. */
    private void awaitMatches(String query, int count) {
        await().atMost(PROJECTION_DELAY).until(() -> search(admin, query),
                response -> response.status() == 200 && response.json().get("total").asLong() == count);
    }

    /** Term by term, the users of {@code org} that a {@code field} term finds, in any order. */
    private void assertFinds(String org, String field, Map<String, List<String>> expected) {
        expected.forEach((term, users) -> assertThat(found(admin, "organization=" + org + "&" + field + "=" + encoded(term)))
                .as(term).containsExactlyInAnyOrderElementsOf(users));
    }

    private static List<String> sortedIds(List<String> ids) {
        // PostgreSQL orders uuids as unsigned bytes, which is the order of their lower-case text.
        List<String> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        return sorted;
    }

    @Test
    void R_SEARCH_1_a_name_term_matches_first_last_or_full_name_as_a_substring_whatever_its_case() {
        String org = organization();
        String robert = developer("Robert", "Smith", org);
        String alberta = developer("Alberta", "Jones", org);
        String mary = developer("Mary", "Roberts", org);
        String jorg = developer("Jörg", "Ängström", org);
        awaitMatches("organization=" + org, 4);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("Rob", List.of(robert, mary));
        expected.put("ber", List.of(robert, alberta, mary));
        expected.put("rOB", List.of(robert, mary));
        expected.put("Robert Sm", List.of(robert));
        expected.put("ROBERT SMITH", List.of(robert));
        expected.put("ert Smi", List.of(robert));
        expected.put("smith", List.of(robert));
        expected.put("Jones", List.of(alberta));
        expected.put("ary Rob", List.of(mary));
        expected.put("JÖRG ÄNG", List.of(jorg));
        expected.put("Smith Robert", List.of());
        expected.put("Bob", List.of());
        assertFinds(org, "name", expected);
    }

    @Test
    void R_SEARCH_1_an_email_term_matches_as_a_substring_whatever_its_case() {
        String org = organization();
        String robert = user("Robert", "Smith", "Robert.Smith@" + marker + ".example", "DEVELOPER", org, "DEVELOPER");
        String alberta = user("Alberta", "Jones", "ajones@" + marker + ".example", "DEVELOPER", org, "DEVELOPER");
        awaitMatches("organization=" + org, 2);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("robert.SMITH", List.of(robert));
        expected.put("t.sm", List.of(robert));
        expected.put("JONES@" + marker.toUpperCase(Locale.ROOT), List.of(alberta));
        expected.put(marker, List.of(robert, alberta));
        expected.put("Robert Smith", List.of());
        assertFinds(org, "email", expected);
    }

    @Test
    void R_SEARCH_2_a_term_needs_three_characters_and_a_shorter_one_is_a_clear_400() {
        String org = organization();
        String robert = developer("Robert", marker, org);
        awaitMatches("organization=" + org, 1);

        for (String query : List.of("name=Ro", "email=ro", "name=", "name=%20%20%20", "name=%20Ro%20")) {
            Api.Response list = search(admin, query);
            assertThat(list.status()).as(query).isEqualTo(400);
            assertThat(list.contentType()).startsWith("application/problem+json");
            assertThat(list.json().get("code").asText()).as(query).isEqualTo("R-SEARCH-2");
            assertThat(list.json().get("detail").asText()).contains("at least 3");
            assertThat(list.json().at("/errors/0/field").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
            Api.Response typeahead = suggest(admin, query);
            assertThat(typeahead.status()).as(query).isEqualTo(400);
            assertThat(typeahead.json().get("code").asText()).as(query).isEqualTo("R-SEARCH-2");
        }
        assertThat(found(admin, "organization=" + org + "&name=Rob")).containsExactly(robert);
        assertThat(ids(suggest(admin, "name=" + marker))).containsExactly(robert);
    }

    /** R-SEARCH-3: %, _, *, ?, backslash and quotes match only themselves. */
    @Test
    void R_SEARCH_3_wildcards_backslashes_and_quotes_in_a_name_term_are_plain_characters() {
        String org = organization();
        Map<String, String> users = new LinkedHashMap<>();
        for (String first : List.of("a%b", "axxb", "a_c", "abc", "d\\e", "dxe", "f*g", "fzzg", "h?i", "hxi",
                "o'neil", "oxneil", "o\"k", "ook")) {
            users.put(first, developer(first, "Literal", org));
        }
        awaitMatches("organization=" + org, users.size());

        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (String literal : List.of("a%b", "a_c", "d\\e", "f*g", "h?i", "o'neil", "o\"k")) {
            expected.put(literal, List.of(users.get(literal)));
        }
        for (String wildcardsOnly : List.of("%%%", "___", "\\\\\\", "***", "???", "'''", "\"\"\"", "a%%", "%b%")) {
            expected.put(wildcardsOnly, List.of());
        }
        assertFinds(org, "name", expected);
    }

    @Test
    void R_SEARCH_3_email_terms_take_the_special_characters_of_addresses_literally() {
        String org = organization();
        String domain = "@" + marker + ".example";
        String ohara = user("Ohara", "Special", "o'hara+news" + domain, "DEVELOPER", org, "DEVELOPER");
        String percent = user("Percy", "Special", "per%cent_under" + domain, "DEVELOPER", org, "DEVELOPER");
        String lookalike = user("Perxy", "Special", "perxcentxunder" + domain, "DEVELOPER", org, "DEVELOPER");
        String brace = user("Brace", "Special", "{brace}|pipe~" + domain, "DEVELOPER", org, "DEVELOPER");
        String hash = user("Hash", "Special", "hash#bang!^&=sl/ash?$" + domain, "DEVELOPER", org, "DEVELOPER");
        String tick = user("Tick", "Special", "tick`quote`*star-dash" + domain, "DEVELOPER", org, "DEVELOPER");
        awaitMatches("organization=" + org, 6);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("o'hara+news", List.of(ohara));
        expected.put("r%cent_u", List.of(percent));
        expected.put("{brace}|pipe~", List.of(brace));
        expected.put("#bang!^&=sl/ash?$", List.of(hash));
        expected.put("`quote`*star-", List.of(tick));
        expected.put("perxcent", List.of(lookalike));
        expected.put("r_c", List.of());
        expected.put(domain, List.of(ohara, percent, lookalike, brace, hash, tick));
        expected.forEach((term, matches) -> {
            assertThat(found(admin, "organization=" + org + "&email=" + encoded(term)))
                    .as(term).containsExactlyInAnyOrderElementsOf(matches);
            assertThat(ids(suggest(admin, "email=" + encoded(term)))).as(term).containsExactlyInAnyOrderElementsOf(matches);
        });
    }

    /**
     * R-SEARCH-3 with terms of no three letters or digits in a row, which the trigram index finds
     * through the search key of V17 (punctuation as Greek letters): exactly the rows holding them,
     * never a row of the Greek letters that stand for them.
     */
    @Test
    void R_SEARCH_3_terms_of_punctuation_find_exactly_the_names_and_emails_that_hold_them() {
        String org = organization();
        Map<String, String> users = new LinkedHashMap<>();
        for (String first : List.of("x@@@y", "a.b", "axb", "a%_\\b", "a.co", "aco", "xγγγy", "a-a-a")) {
            users.put(first, developer(first, "Punct", org));
        }
        String domain = "@" + marker + ".example";
        String dotted = user("Dotted", "Mail", "d.co.e" + domain, "DEVELOPER", org, "DEVELOPER");
        String plain = user("Plain", "Mail", "dxcoxe" + domain, "DEVELOPER", org, "DEVELOPER");
        awaitMatches("organization=" + org, users.size() + 2);

        Map<String, List<String>> names = new LinkedHashMap<>();
        names.put("@@@", List.of(users.get("x@@@y")));
        names.put("a.b", List.of(users.get("a.b")));
        names.put("%_\\", List.of(users.get("a%_\\b")));
        names.put(".co", List.of(users.get("a.co")));
        names.put("-a-", List.of(users.get("a-a-a")));
        names.put("γγγ", List.of(users.get("xγγγy")));
        names.put("A.CO P", List.of(users.get("a.co")));
        for (String absent : List.of("@@@@", "b.a", "%%_", "@.@", "a.a", "βco", "ακα", "..co")) {
            names.put(absent, List.of());
        }
        assertFinds(org, "name", names);

        Map<String, List<String>> emails = new LinkedHashMap<>();
        emails.put(".co.", List.of(dotted));
        emails.put("d.c", List.of(dotted));
        emails.put("o.e@", List.of(dotted));
        emails.put("coxe@", List.of(plain));
        emails.put("dxcox", List.of(plain));
        emails.put("@.co", List.of());
        emails.put("e.@", List.of());
        assertFinds(org, "email", emails);
        assertThat(ids(suggest(admin, "email=" + encoded(".co.e" + domain)))).containsExactly(dotted);
        assertThat(ids(suggest(admin, "email=" + encoded(".co@" + marker)))).isEmpty();
    }

    /**
     * R-SEARCH-1 for names beyond ASCII: any alphabet, case-insensitively, a term as typed in
     * decomposed form like its composed one (both NFC), but an accent is part of the letter.
     */
    @Test
    void R_SEARCH_1_accented_and_other_letters_match_themselves_whatever_their_case_or_normal_form() {
        String org = organization();
        String jose = developer("José", "Ñúñez", org);
        String zoe = developer("Zoë", "Łukasiewicz", org);
        String greek = developer("Ἀλέξης", "Παπαδόπουλος", org);
        String plain = developer("Jose", "Nunez", org);
        awaitMatches("organization=" + org, 4);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("JOSÉ", List.of(jose));
        expected.put("jose\u0301 ñ", List.of(jose));
        expected.put("ÚÑE", List.of(jose));
        expected.put("oë ł", List.of(zoe));
        expected.put("ŁUKA", List.of(zoe));
        expected.put("ΠΑΠΑΔ", List.of(greek));
        expected.put("λέξ", List.of(greek));
        expected.put("jose", List.of(plain));
        expected.put("zoe", List.of());
        expected.put("lukas", List.of());
        expected.put("λεξ", List.of());
        assertFinds(org, "name", expected);
    }

    /**
     * R-SEARCH-2: the typeahead lists the names that start with the term first, then the names
     * that contain it further on, each part in the list's order (the code points of the lower-cased
     * name, then the id), and stops at the limit; a term nobody holds suggests nobody.
     */
    @Test
    void R_SEARCH_2_typeahead_puts_what_starts_with_the_term_first_then_the_rest_in_the_lists_order() {
        String org = organization();
        Map<String, String> names = new LinkedHashMap<>();
        for (String[] name : List.of(new String[]{marker + "zz", "One"},
                new String[]{marker.toUpperCase(Locale.ROOT) + "aa", "Two"}, new String[]{"Bob", marker},
                new String[]{"Al", marker + "q"}, new String[]{"Ábel", marker}, new String[]{"zed", marker})) {
            names.put(developer(name[0], name[1], org), (name[0] + " " + name[1]).toLowerCase(Locale.ROOT));
        }
        awaitMatches("organization=" + org, names.size());
        // code points of the lower-cased name (Java's String order, for these names)
        Comparator<String> byName = Comparator.comparing(names::get);
        List<String> starting = names.keySet().stream().filter(id -> names.get(id).startsWith(marker)).sorted(byName).toList();
        List<String> containing = names.keySet().stream().filter(id -> !starting.contains(id)).sorted(byName).toList();
        List<String> expected = new ArrayList<>(starting);
        expected.addAll(containing);
        assertThat(starting).hasSize(2);

        assertThat(ids(suggest(admin, "name=" + marker))).containsExactlyElementsOf(expected);
        assertThat(ids(suggest(admin, "name=" + marker + "&limit=3"))).containsExactlyElementsOf(expected.subList(0, 3));
        assertThat(ids(suggest(admin, "name=" + marker.toUpperCase(Locale.ROOT) + "&limit=1")))
                .containsExactlyElementsOf(expected.subList(0, 1));
        List<String> list = found(admin, "organization=" + org + "&name=" + marker);
        assertThat(list).as("the list, in the order of names").containsExactlyElementsOf(names.keySet().stream()
                .sorted(byName).toList());
        assertThat(ids(suggest(admin, "name=" + marker.substring(1)))).as("nobody starts with it: the list's order")
                .containsExactlyElementsOf(list);
        assertThat(ids(suggest(admin, "name=" + marker + "x" + marker))).isEmpty();
    }

    /**
     * R-SEARCH-4: at and below the count cap the total is exact, beyond it a lower bound; the page
     * and the typeahead are the same either way (they are read differently on each side of it).
     */
    @Test
    void R_SEARCH_4_pages_and_suggestions_are_the_same_on_both_sides_of_the_count_cap() {
        String org = organization();
        for (int i = 0; i < 5; i++) {
            developer("Edge" + letters(4), marker, org);
        }
        awaitMatches("organization=" + org, 5);
        String query = "organization=" + org + "&name=" + marker + "&size=2&page=";
        List<String> exact = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            Api.Response response = search(admin, query + page);
            assertThat(response.json().get("total").asLong()).isEqualTo(5);
            assertThat(response.json().get("totalIsLowerBound").asBoolean()).isFalse();
            exact.addAll(ids(response));
        }
        List<String> suggested = ids(suggest(admin, "name=" + marker));
        assertThat(suggested).containsExactlyElementsOf(exact);

        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        int walk = settings.getWalk();
        try {
            settings.setCountCap(5);
            Api.Response atTheCap = search(admin, query + 2);
            assertThat(ids(atTheCap)).isEqualTo(exact.subList(4, 5));
            assertThat(atTheCap.json().get("total").asLong()).isEqualTo(5);
            assertThat(atTheCap.json().get("totalIsLowerBound").asBoolean()).isFalse();

            settings.setCountCap(4);
            List<String> capped = new ArrayList<>();
            for (int page = 0; page < 2; page++) {
                Api.Response response = search(admin, query + page);
                assertThat(response.json().get("total").asLong()).isEqualTo(4);
                assertThat(response.json().get("totalIsLowerBound").asBoolean()).isTrue();
                capped.addAll(ids(response));
            }
            assertThat(capped).isEqualTo(exact.subList(0, 4));
            assertThat(search(admin, query + 2).status()).as("a page past the cap").isEqualTo(400);
            assertThat(ids(suggest(admin, "name=" + marker))).containsExactlyElementsOf(suggested);

            // without the search heads, a walk of the name index too short to fill the page: every
            // match is read and sorted instead
            settings.setHeads(false);
            settings.setWalk(1);
            assertThat(ids(search(admin, query + 0))).isEqualTo(exact.subList(0, 2));
            assertThat(ids(search(admin, query + 1))).isEqualTo(exact.subList(2, 4));
            assertThat(ids(suggest(admin, "name=" + marker))).containsExactlyElementsOf(suggested);
        } finally {
            settings.setCountCap(cap);
            settings.setWalk(walk);
            settings.setHeads(true);
        }
    }

    private double commonPages(String read) {
        return context.getBean(MeterRegistry.class).get("portal.search.common.pages").tag("read", read).counter().count();
    }

    /**
     * R-SEARCH-1: a common term's pages and suggestions read from the search heads (each trigram's
     * first users in name order, kept by the database) are those every match sorted gives: from a
     * head that holds every user of the trigram, from one cut at a bound (the page within it, and
     * the page past it, which the head cannot give), and with a filter that leaves too few in it.
     */
    @Test
    void R_SEARCH_1_common_terms_read_from_the_search_heads_give_the_pages_every_match_sorted_gives() {
        String org = organization();
        List<String> lastNames = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // the marker at the start, inside and at the end of the names, in no particular order
            String name = switch (i % 3) {
                case 0 -> marker + letters(3);
                case 1 -> letters(2) + marker + letters(2);
                default -> letters(4) + marker;
            };
            developer("Head" + letters(3), name, org);
            lastNames.add(name);
        }
        String publisher = user("Head", "Pub" + marker, letters(12) + "@" + marker + ".example", "API_OWNER");
        awaitMatches("name=" + marker, 10);
        // built, should a rebuild of the users view before this test have left them not built yet
        jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        List<String> terms = List.of(marker, marker.substring(2, 7), marker.substring(5));
        // the publisher's name ("head pub...") comes first; it alone is not a common term's match
        String[] queries = {"&size=3&page=0", "&size=3&page=1", "&size=2&page=1", "&category=developers&size=4&page=0",
                "&category=publishers&size=3&page=0"};
        try {
            settings.setCountCap(4);
            // every match sorted, as the heads-less search reads a common term's page
            settings.setHeads(false);
            settings.setSplit(false);
            Map<String, List<String>> sorted = new LinkedHashMap<>();
            for (String term : terms) {
                for (String query : queries) {
                    sorted.put(term + query, ids(search(admin, "name=" + term + query)));
                }
                sorted.put(term + " suggested", ids(suggest(admin, "name=" + term + "&limit=5")));
            }
            assertThat(sorted.get(marker + "&category=publishers&size=3&page=0")).containsExactly(publisher);
            settings.setHeads(true);
            settings.setSplit(true);

            // heads holding every user of their trigrams (this test's are only its own ten)
            double fromHeads = commonPages("head");
            for (String term : terms) {
                for (String query : queries) {
                    assertThat(ids(search(admin, "name=" + term + query))).as(term + query)
                            .containsExactlyElementsOf(sorted.get(term + query));
                }
                assertThat(ids(suggest(admin, "name=" + term + "&limit=5"))).containsExactlyElementsOf(sorted.get(term + " suggested"));
            }
            assertThat(commonPages("head")).as("every common term's page and suggestions, from the heads")
                    .isEqualTo(fromHeads + terms.size() * queries.length);

            // heads of four users each: the first page is within them, the second past their bound
            jdbc.sql("update search_head_size set entries = 4").update();
            jdbc.sql("select search_heads_rebuild()").query(String.class).single();
            assertThat(jdbc.sql("select count(*) from search_head_bound where field = 'n' and trigram = :t")
                    .param("t", marker.substring(0, 3).toLowerCase(Locale.ROOT)).query(Long.class).single())
                    .as("the marker's first trigram is cut at a bound").isEqualTo(1);
            fromHeads = commonPages("head");
            double sortedPages = commonPages("sort") + commonPages("walk");
            double splitPages = commonPages("split");
            assertThat(ids(search(admin, "name=" + marker + "&size=3&page=0"))).containsExactlyElementsOf(sorted.get(marker + "&size=3&page=0"));
            assertThat(commonPages("head")).as("within the head").isEqualTo(fromHeads + 1);
            // past the head: the names starting with the marker in order, those with it later sorted in
            assertThat(ids(search(admin, "name=" + marker + "&size=3&page=1"))).containsExactlyElementsOf(sorted.get(marker + "&size=3&page=1"));
            assertThat(commonPages("split")).as("past the head, split at the term").isEqualTo(splitPages + 1);
            assertThat(ids(search(admin, "name=" + marker + "&category=developers&size=4&page=0")))
                    .containsExactlyElementsOf(sorted.get(marker + "&category=developers&size=4&page=0"));
            assertThat(commonPages("head")).as("past the head, and a filter leaving too few in it").isEqualTo(fromHeads + 1);
            assertThat(commonPages("sort") + commonPages("walk")).as("a filter: not split").isEqualTo(sortedPages + 1);
            for (String term : terms) {
                for (String query : queries) {
                    assertThat(ids(search(admin, "name=" + term + query))).as(term + query)
                            .containsExactlyElementsOf(sorted.get(term + query));
                }
                assertThat(ids(suggest(admin, "name=" + term + "&limit=5"))).containsExactlyElementsOf(sorted.get(term + " suggested"));
            }
            assertThat(lastNames).hasSize(9);
        } finally {
            settings.setCountCap(cap);
            settings.setHeads(true);
            settings.setSplit(true);
            jdbc.sql("update search_head_size set entries = 200").update();
            jdbc.sql("select search_heads_rebuild()").query(String.class).single();
        }
    }

    /**
     * R-SEARCH-1: a common term typed into the field the list is ordered by, with nothing else asked,
     * takes its page from the first entries of a head that have the term and reads only their rows.
     * The page is still the one every match sorted gives when the head holds an entry twice (taken
     * once, still from the head) and when it holds an entry of a user without the term (read
     * another way). The service writes neither; this test puts them in by hand.
     */
    @Test
    void R_SEARCH_1_a_page_from_the_first_entries_of_a_head_equals_the_sorted_page_with_entries_doubled_or_stale() {
        String org = organization();
        for (int i = 0; i < 9; i++) {
            developer("Entry" + letters(3), letters(2) + marker + letters(2), org);
        }
        String without = developer("Entry" + letters(3), letters(8), org);
        awaitMatches("name=" + marker, 9);
        jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        // nine matches, one past the cap; the last page ends with the last match
        List<String> queries = List.of("&size=3&page=0", "&size=3&page=1", "&size=4&page=1", "&size=3&page=2");
        try {
            settings.setCountCap(8);
            settings.setHeads(false);
            settings.setSplit(false);
            Map<String, List<String>> sorted = new LinkedHashMap<>();
            for (String query : queries) {
                sorted.put(query, ids(search(admin, "name=" + marker + query)));
            }
            assertThat(sorted.values()).allSatisfy(page -> assertThat(page).hasSizeGreaterThanOrEqualTo(3));
            settings.setHeads(true);
            settings.setSplit(true);

            jdbc.sql("insert into search_head select * from search_head where field = 'n' and user_id in "
                    + "(select user_id from user_view where strpos(lower(full_name), lower(:marker)) <> 0)")
                    .param("marker", marker).update();
            double fromHeads = commonPages("head");
            for (String query : queries) {
                assertThat(ids(search(admin, "name=" + marker + query))).as("doubled entries, " + query)
                        .containsExactlyElementsOf(sorted.get(query));
            }
            assertThat(commonPages("head")).as("every page still from the head").isEqualTo(fromHeads + queries.size());

            // first in the order of each of the marker's heads: a key with the marker, of a user without it
            jdbc.sql("insert into search_head (field, trigram, sort_key, user_id) "
                    + "select 'n', t, ' ' || lower(:marker), cast(:user as uuid) from search_trigrams(lower(:marker)) as t")
                    .param("marker", marker).param("user", without).update();
            fromHeads = commonPages("head");
            for (String query : queries) {
                assertThat(ids(search(admin, "name=" + marker + query))).as("a stale entry, " + query)
                        .containsExactlyElementsOf(sorted.get(query));
            }
            assertThat(commonPages("head")).as("no page with the stale entry among its entries from the head")
                    .isEqualTo(fromHeads);
        } finally {
            settings.setCountCap(cap);
            settings.setHeads(true);
            settings.setSplit(true);
            jdbc.sql("select search_heads_rebuild()").query(String.class).single();
        }
    }

    /**
     * R-SEARCH-1: a common term typed into one field with the list in the other field's order (an
     * email term in name order, the console's default, and a name term in email order) reads its
     * page from the heads kept across the fields (db/query V8), and gets the page every match sorted gives.
     */
    @Test
    void R_SEARCH_1_an_email_term_in_name_order_and_a_name_term_in_email_order_read_from_the_search_heads() {
        String org = organization();
        String inNames = letters(10);
        for (int i = 0; i < 8; i++) {
            // the emails hold the marker (their domain), the names the other one; neither in the other's order
            developer(letters(6), letters(2) + inNames + letters(2), org);
        }
        awaitMatches("email=" + marker, 8);
        jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        List<String> queries = List.of("email=" + marker + "&sort=name&size=3&page=0",
                "email=" + marker + "&sort=name&size=2&page=2",
                "email=" + marker.substring(1, 7) + "&sort=name&size=4&page=1",
                "name=" + inNames + "&sort=email&size=3&page=0",
                "name=" + inNames.substring(2, 8) + "&sort=email&size=3&page=1",
                "email=" + marker + "&name=" + inNames.substring(0, 5) + "&sort=name&size=3&page=1",
                "email=" + marker + "&name=" + inNames.substring(0, 5) + "&sort=email&size=5&page=0");
        try {
            // the eight matches past the cap, each page starting within it
            settings.setCountCap(5);
            settings.setHeads(false);
            Map<String, List<String>> sorted = new LinkedHashMap<>();
            for (String query : queries) {
                sorted.put(query, ids(search(admin, query)));
            }
            assertThat(sorted.get(queries.get(0))).hasSize(3);
            assertThat(sorted.get(queries.get(1))).hasSize(2);
            settings.setHeads(true);
            double fromHeads = commonPages("head");
            for (String query : queries) {
                assertThat(ids(search(admin, query))).as(query).containsExactlyElementsOf(sorted.get(query));
            }
            assertThat(commonPages("head")).as("every page from the heads").isEqualTo(fromHeads + queries.size());
        } finally {
            settings.setCountCap(cap);
            settings.setHeads(true);
        }
    }

    /**
     * R-SEARCH-1: while the search heads are not built (a rebuild of the users view was just
     * swapped in and they are not built from it yet), writers leave them alone and a common term's page and
     * suggestions read every match: a user added meanwhile, first in name order, is on them.
     */
    @Test
    void R_SEARCH_1_while_the_search_heads_are_not_built_a_common_terms_page_reads_every_match() {
        String org = organization();
        for (int i = 0; i < 5; i++) {
            developer("Head" + letters(3), marker + letters(3), org);
        }
        awaitMatches("name=" + marker, 5);
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        try {
            settings.setHeadsBuild(false);
            jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
            settings.setCountCap(2);
            List<String> before = ids(search(admin, "name=" + marker + "&size=3&page=0"));
            settings.setCountCap(cap);
            assertThat(before).hasSize(3);

            // not built from here on (as a rebuild's swap marks them), their entries left as they were
            jdbc.sql("update search_head_size set built = false").update();
            String first = developer("Aaa" + letters(3), marker + letters(3), org);
            awaitMatches("name=" + marker, 6);
            assertThat(jdbc.sql("select count(*) from search_head where user_id = ?::uuid").param(first)
                    .query(Long.class).single()).as("the writer left the heads alone").isZero();

            settings.setCountCap(2);
            double fromHeads = commonPages("head");
            assertThat(ids(search(admin, "name=" + marker + "&size=3&page=0")))
                    .containsExactly(first, before.get(0), before.get(1));
            assertThat(ids(suggest(admin, "name=" + marker + "&limit=3")))
                    .containsExactly(first, before.get(0), before.get(1));
            assertThat(commonPages("head")).as("nothing read from heads not built").isEqualTo(fromHeads);

            // built: the new user is in them, and the page comes from them again
            assertThat(jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single()).isTrue();
            assertThat(ids(search(admin, "name=" + marker + "&size=3&page=0")))
                    .containsExactly(first, before.get(0), before.get(1));
            assertThat(commonPages("head")).isEqualTo(fromHeads + 1);
        } finally {
            settings.setCountCap(cap);
            settings.setHeadsBuild(true);
            jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
        }
    }

    @Test
    void R_SEARCH_4_a_portal_admin_finds_everyone_with_sso_on_too() {
        String org = organization();
        String developer = developer("Sso", marker, org);
        String publisher = user("Sso", "Owner" + marker, letters(12) + "@" + marker + ".example", "API_OWNER");
        awaitMatches("name=" + marker, 2);
        try {
            Api.Response sso = api.put("/api/settings", """
                    {"ssoEnabled": true, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}""")
                    .token(admin).send();
            assertThat(sso.status()).as(sso.toString()).isEqualTo(200);
            await().atMost(PROJECTION_DELAY).until(() -> api.get("/api/settings").token(admin).send(),
                    settings -> settings.json().get("ssoEnabled").asBoolean());

            assertThat(found(admin, "name=" + marker)).containsExactlyInAnyOrder(developer, publisher);
            assertThat(ids(suggest(admin, "name=" + marker))).containsExactlyInAnyOrder(developer, publisher);
        } finally {
            api.put("/api/settings", """
                    {"ssoEnabled": false, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}""")
                    .token(admin).send();
        }
    }

    @Test
    void R_SEARCH_4_an_org_admin_finds_only_the_users_of_its_organizations_in_results_and_totals() {
        String administered = organization();
        String other = organization();
        String orgAdmin = user("Olga", "Admin", letters(12) + "@example.com", "ORG_ADMIN", administered, "ORG_ADMIN");
        String inside = developer("Inside", marker, administered);
        String both = user("Both", marker, letters(12) + "@" + marker + ".example", "DEVELOPER",
                administered, "DEVELOPER", other, "DEVELOPER");
        String outside = developer("Outside", marker, other);
        String publisher = user("Publisher", marker, letters(12) + "@" + marker + ".example", "API_OWNER");
        awaitMatches("name=" + marker, 4);
        String token = tokenFor(UserId.of(orgAdmin));

        Api.Response visible = search(token, "name=" + marker);
        assertThat(ids(visible)).containsExactlyInAnyOrder(inside, both);
        assertThat(visible.json().get("total").asLong()).isEqualTo(2);
        assertThat(found(admin, "name=" + marker)).containsExactlyInAnyOrder(inside, both, outside, publisher);
        assertThat(found(token, "email=" + marker)).containsExactlyInAnyOrder(inside, both);
        assertThat(ids(suggest(token, "name=" + marker))).containsExactlyInAnyOrder(inside, both);
        assertThat(ids(suggest(token, "email=" + marker))).containsExactlyInAnyOrder(inside, both);

        Api.Response foreign = search(token, "name=" + marker + "&organization=" + other);
        assertThat(ids(foreign)).isEmpty();
        assertThat(foreign.json().get("total").asLong()).isZero();
        assertThat(search(token, "category=publishers&name=" + marker).json().get("total").asLong()).isZero();
        assertThat(found(token, "organization=" + administered)).containsExactlyInAnyOrder(orgAdmin, inside, both);
    }

    @Test
    void R_SEARCH_4_developers_and_org_publishers_cannot_search_users() {
        String org = organization();
        String developer = developer("Dev", marker, org);
        String orgPublisher = user("Pub", marker, letters(12) + "@example.com", "ORG_PUBLISHER", org, "ORG_PUBLISHER");

        for (String token : List.of(tokenFor(UserId.of(developer)), tokenFor(UserId.of(orgPublisher)))) {
            for (Api.Response refused : List.of(search(token, "name=" + marker), search(token, ""),
                    suggest(token, "name=" + marker))) {
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.contentType()).startsWith("application/problem+json");
                assertThat(refused.json().get("code").asText()).isEqualTo("R-SEARCH-4");
            }
        }
        assertThat(api.get("/api/users?name=" + marker).send().status()).isEqualTo(401);
    }

    @Test
    void R_SEARCH_4_filters_by_category_organization_role_state_and_source() {
        String firstOrgName = "Search " + letters(12);
        String first = organization(firstOrgName);
        String second = organization();
        String domain = "@" + marker + ".example";
        String portalAdmin = user("Pam", marker, "pam" + domain, "PORTAL_ADMIN");
        String apiOwner = user("Owen", marker, "owen" + domain, "API_OWNER");
        String orgAdmin = user("Ada", marker, "ada" + domain, "ORG_ADMIN", first, "ORG_ADMIN");
        String orgPublisher = user("Bob", marker, "bob" + domain, "ORG_PUBLISHER", first, "ORG_PUBLISHER");
        String developer = user("Dan", marker, "dan" + domain, "DEVELOPER", first, "DEVELOPER", second, "ORG_ADMIN");
        assertThat(api.post("/api/users/" + apiOwner + "/disable", "").token(admin).send().status()).isEqualTo(200);
        String idpUser = provisionedDeveloper("Ida", marker, "ida" + domain, firstOrgName);
        awaitMatches("name=" + marker + "&state=disabled", 1);
        awaitMatches("name=" + marker, 6);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("category=publishers", List.of(portalAdmin, apiOwner));
        expected.put("category=org-users", List.of(orgAdmin, orgPublisher, developer, idpUser));
        expected.put("category=DEVELOPERS", List.of(developer, idpUser));
        expected.put("role=API_OWNER", List.of(apiOwner));
        expected.put("role=org-admin", List.of(orgAdmin, developer));
        expected.put("role=ORG_ADMIN&organization=" + first, List.of(orgAdmin));
        expected.put("role=ORG_ADMIN&organization=" + second, List.of(developer));
        expected.put("role=developer&organization=" + first, List.of(developer, idpUser));
        expected.put("organization=" + second, List.of(developer));
        expected.put("state=disabled", List.of(apiOwner));
        expected.put("state=pending&source=portal", List.of(portalAdmin, orgAdmin, orgPublisher, developer));
        expected.put("state=active&source=portal", List.of());
        expected.put("source=IDP", List.of(idpUser));
        expected.put("source=portal", List.of(portalAdmin, apiOwner, orgAdmin, orgPublisher, developer));
        expected.put("category=org-users&role=ORG_PUBLISHER&state=pending", List.of(orgPublisher));
        expected.put("category=publishers&organization=" + first, List.of());
        expected.forEach((filter, users) -> {
            Api.Response response = search(admin, "name=" + marker + "&size=100&" + filter);
            assertThat(ids(response)).as(filter).containsExactlyInAnyOrderElementsOf(users);
            assertThat(response.json().get("total").asLong()).as(filter).isEqualTo(users.size());
        });
    }

    /** An external IdP Developer of {@code organizationName}, as the portal backend provisions one at sign-in. */
    private String provisionedDeveloper(String firstName, String lastName, String email, String organizationName) {
        Api.Response scheme = api.post("/api/authentication-schemes", """
                {"name": "Scheme %s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"devs": "DEVELOPER"}}}"""
                .formatted(letters(12))).token(admin).send();
        assertThat(scheme.status()).as(scheme.toString()).isEqualTo(201);
        Api.Response provisioned = api.post("/api/authentication-schemes/" + scheme.json().get("id").asText() + "/users", """
                {"subject": "%s", "username": "idp-%s", "email": "%s", "firstName": "%s", "lastName": "%s",
                 "attributes": {"group": "devs", "org": "%s"}}"""
                .formatted(letters(12), letters(12), email, firstName, lastName, organizationName)).token(admin).send();
        assertThat(provisioned.status()).as(provisioned.toString()).isEqualTo(201);
        return provisioned.json().get("id").asText();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "category=admins         | category",
            "organization=not-a-uuid | organization",
            "role=king               | role",
            "state=gone              | state",
            "source=ldap             | source",
            "sort=age                | sort",
            "sort=-                  | sort",
            "page=-1                 | page",
            "page=first              | page",
            "size=0                  | size",
            "size=101                | size"})
    void R_SEARCH_4_an_invalid_filter_paging_or_sort_value_is_a_400_naming_the_parameter(String query, String field) {
        Api.Response response = search(admin, "name=Rob&" + query);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").findValuesAsText("field")).containsExactly(field);
        assertThat(response.json().at("/errors/0/message").asText()).isNotBlank();
    }

    @Test
    void R_SEARCH_4_a_refused_choice_names_the_values_it_takes() {
        Api.Response response = search(admin, "name=Rob&category=admins&sort=-age");

        assertThat(response.json().at("/errors/0/message").asText())
                .isEqualTo("must be one of publishers, org-users, developers");
        assertThat(response.json().at("/errors/1/message").asText()).isEqualTo("must be one of name, email, created");
    }

    @Test
    void R_SEARCH_4_pages_follow_a_stable_order_with_ties_broken_by_id_both_ways() {
        String org = organization();
        String domain = "@" + marker + ".example";
        String zulu = user("Zulu", marker, "a-zulu" + domain, "DEVELOPER", org, "DEVELOPER");
        List<String> same = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            same.add(user("Same", marker, "b" + i + "-same" + domain, "DEVELOPER", org, "DEVELOPER"));
        }
        String alpha = user("Alpha", marker, "c-alpha" + domain, "DEVELOPER", org, "DEVELOPER");
        awaitMatches("organization=" + org, 5);

        List<String> byName = new ArrayList<>();
        byName.add(alpha);
        byName.addAll(sortedIds(same));
        byName.add(zulu);
        assertThat(pagesOfTwo(org, "name")).isEqualTo(byName);
        assertThat(found(admin, "organization=" + org)).as("sorted by name unless told").isEqualTo(byName);
        List<String> byNameDescending = new ArrayList<>(byName);
        Collections.reverse(byNameDescending);
        assertThat(pagesOfTwo(org, "-name")).isEqualTo(byNameDescending);

        List<String> byEmail = new ArrayList<>(List.of(zulu));
        byEmail.addAll(same);
        byEmail.add(alpha);
        assertThat(pagesOfTwo(org, "email")).isEqualTo(byEmail);
        Collections.reverse(byEmail);
        assertThat(pagesOfTwo(org, "-email")).isEqualTo(byEmail);

        Api.Response created = search(admin, "organization=" + org + "&sort=created");
        List<Instant> instants = new ArrayList<>();
        created.json().get("items").forEach(item -> instants.add(Instant.parse(item.get("createdAt").asText())));
        assertThat(instants).isSortedAccordingTo(Comparator.naturalOrder());
        List<String> newestFirst = new ArrayList<>(ids(created));
        Collections.reverse(newestFirst);
        assertThat(pagesOfTwo(org, "-created")).isEqualTo(newestFirst);

        Api.Response beyond = search(admin, "organization=" + org + "&page=3&size=2");
        assertThat(ids(beyond)).isEmpty();
        assertThat(beyond.json().get("total").asLong()).isEqualTo(5);
    }

    /** Every match of the organization, read two at a time; checks each page's number, size and total. */
    private List<String> pagesOfTwo(String org, String sort) {
        List<String> ids = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            Api.Response response = search(admin, "organization=" + org + "&sort=" + sort + "&size=2&page=" + page);
            assertThat(response.json().get("page").asInt()).isEqualTo(page);
            assertThat(response.json().get("size").asInt()).isEqualTo(2);
            assertThat(response.json().get("total").asLong()).isEqualTo(5);
            assertThat(response.json().get("totalIsLowerBound").asBoolean()).isFalse();
            ids.addAll(ids(response));
        }
        return ids;
    }

    @Test
    void R_SEARCH_4_totals_are_exact_up_to_the_cap_and_a_lower_bound_beyond_it() {
        String org = organization();
        for (int i = 0; i < 3; i++) {
            developer("Capped" + letters(4), marker, org);
        }
        developer("Other", marker, org);
        awaitMatches("organization=" + org, 4);
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        settings.setCountCap(3);
        try {
            Api.Response beyond = search(admin, "organization=" + org);
            assertThat(ids(beyond)).hasSize(4);
            assertThat(beyond.json().get("total").asLong()).isEqualTo(3);
            assertThat(beyond.json().get("totalIsLowerBound").asBoolean()).isTrue();

            Api.Response atTheCap = search(admin, "organization=" + org + "&name=capped");
            assertThat(ids(atTheCap)).hasSize(3);
            assertThat(atTheCap.json().get("total").asLong()).isEqualTo(3);
            assertThat(atTheCap.json().get("totalIsLowerBound").asBoolean()).isFalse();

            assertThat(ids(search(admin, "organization=" + org + "&size=1&page=2"))).hasSize(1);
            Api.Response pastTheCap = search(admin, "organization=" + org + "&size=1&page=3");
            assertThat(pastTheCap.status()).isEqualTo(400);
            assertThat(pastTheCap.json().at("/errors/0/field").asText()).isEqualTo("page");
        } finally {
            settings.setCountCap(cap);
        }
        assertThat(search(admin, "organization=" + org).json().get("total").asLong()).isEqualTo(4);
    }

    @Test
    void R_SEARCH_2_typeahead_answers_at_most_ten_small_items_by_default_and_twenty_when_asked() {
        String org = organization();
        String domain = "@" + marker + ".example";
        for (int i = 0; i < 20; i++) {
            user("Aaron" + letters(3), marker, "a" + i + domain, "DEVELOPER", org, "DEVELOPER");
        }
        String prefixed = user(marker + "ina", "Zulu", "z" + domain, "DEVELOPER", org, "DEVELOPER");
        awaitMatches("name=" + marker, 21);

        Api.Response suggestions = suggest(admin, "name=" + marker);
        assertThat(ids(suggestions)).hasSize(10);
        assertThat(ids(suggestions).get(0)).as("what starts with the term comes first").isEqualTo(prefixed);
        JsonNode first = suggestions.json().get(0);
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "fullName", "email", "username");
        assertThat(first.get("fullName").asText()).isEqualTo(marker + "ina Zulu");
        assertThat(first.get("email").asText()).isEqualTo("z" + domain);
        assertThat(ids(suggest(admin, "name=" + marker + "&limit=20"))).hasSize(20);
        assertThat(ids(suggest(admin, "email=" + domain + "&limit=3"))).hasSize(3);

        for (String query : List.of("name=" + marker + "&limit=21", "name=" + marker + "&limit=0")) {
            Api.Response refused = suggest(admin, query);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).as(query).isEqualTo("invalid-request");
        }
        // each parameter valid, but the two not together: the OpenAPI document says so in words only
        for (String query : List.of("", "name=" + marker + "&email=" + marker)) {
            Api.Response refused = suggest(admin, query);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).as(query).isEqualTo("invalid-combination");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/users?name=", "/api/users?email=", "/api/users/suggestions?name=",
            "/api/users/suggestions?email="})
    void B3_a_term_too_long_or_with_control_characters_is_a_400_never_a_500(String path) {
        Api.Response huge = api.get(path + "x".repeat(10_000)).token(admin).send();
        Api.Response tooLong = api.get(path + "x".repeat(255)).token(admin).send();
        Api.Response control = api.get(path + "abc%00def").token(admin).send();

        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.body()).doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("sql");
        for (Api.Response response : List.of(tooLong, control)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("code").asText()).isEqualTo("invalid-request");
            assertThat(response.json().at("/errors/0/field").asText()).isEqualTo(path.substring(path.indexOf('?') + 1, path.length() - 1));
        }
        assertThat(api.get(path + "x".repeat(254)).token(admin).send().status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%%%", "___", "\\\\\\", "***", "???", "'''", "\"\"\"", "%_\\", "a%%", "' or 1=1 --"})
    void B3_typeahead_with_wildcards_and_quotes_matches_them_literally_in_bounded_pages(String term) {
        for (String field : List.of("name", "email")) {
            Api.Response typeahead = suggest(admin, field + "=" + encoded(term) + "&limit=20");
            assertThat(typeahead.status()).as(field).isEqualTo(200);
            assertThat(typeahead.json().size()).isLessThanOrEqualTo(20);
            typeahead.json().forEach(item -> assertThat(item.get(field.equals("name") ? "fullName" : "email").asText()
                    .toLowerCase(Locale.ROOT)).contains(term.toLowerCase(Locale.ROOT)));
            Api.Response list = search(admin, field + "=" + encoded(term) + "&size=100");
            assertThat(list.status()).as(field).isEqualTo(200);
            assertThat(list.json().get("items").size()).isLessThanOrEqualTo(100);
            list.json().get("items").forEach(item -> assertThat(item.get(field.equals("name") ? "firstName" : "email")
                    .asText().toLowerCase(Locale.ROOT) + (field.equals("name") ? " " + item.get("lastName").asText()
                    .toLowerCase(Locale.ROOT) : "")).contains(term.toLowerCase(Locale.ROOT)));
        }
    }
}
