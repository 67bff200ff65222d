package io.portalusers.standalone;

import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.query.users.SearchKeySampleProbe;
import io.portalusers.query.users.SearchSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * R-SEARCH-1: the sample of the search keys steers how a term is read, never what it finds. The
 * emails of many users share one domain, as at most customers: the trigram index is asked only for
 * the part of a term outside it, a common term's walk of the email order is tried and a rare one's
 * is not, and every answer is the one a plain scan gives.
 */
class SearchKeySampleTest extends ApiTest {

    private final String domain = letters(10).toLowerCase();
    @Autowired
    private ApplicationContext context;
    private SearchKeySampleProbe sample;

    @BeforeEach
    void manyUsersOfOneDomain() {
        long others = jdbc.sql("select count(*) from user_view").query(Long.class).single();
        // at least a quarter of the view, so that the domain's trigrams are common
        long count = Math.max(1000, others / 3);
        jdbc.sql("""
                        insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                               account_role, source, enabled, activation, created_at, updated_at, version)
                        select gen_random_uuid(), 'sample-' || :domain || '-' || g, '0' || md5(:domain || g) || '@' || :domain || '.example',
                               'Sample', 'Test', 'Sample Test', 'en', 'GLOBAL_PUBLISHER', 'API_OWNER', 'PORTAL', true, 'ACTIVE',
                               now(), now(), 0
                        from generate_series(1, :count) as g""")
                .param("domain", domain).param("count", count).update();
        // into the index proper, as a vacuum would: the index's pending list of new entries is read whole
        jdbc.sql("select gin_clean_pending_list('user_view_email_key'::regclass)").query(Long.class).single();
        jdbc.sql("analyze user_view").update();
        sample = SearchKeySampleProbe.of(context);
        sample.refresh();
    }

    @AfterEach
    void removeThem() {
        jdbc.sql("delete from user_view where email like :pattern").param("pattern", "%@" + domain + ".example").update();
        jdbc.sql("analyze user_view").update();
        sample.refresh();
    }

    private List<String> ids(String path) {
        Api.Response response = api.get(path).token(admin).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        (response.json().has("items") ? response.json().get("items") : response.json())
                .forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    /** What a plain scan finds, in email order. */
    private List<String> scanned(String term, int limit) {
        return jdbc.sql("""
                        select user_id::text from user_view where strpos(lower(email), lower(:term)) <> 0
                        order by lower(email) collate "C", user_id limit :limit""")
                .param("term", term).param("limit", limit).query(String.class).list();
    }

    private static String encoded(String term) {
        return URLEncoder.encode(term, StandardCharsets.UTF_8);
    }

    private double missedWalks() {
        return context.getBean(MeterRegistry.class).get("portal.search.common.walks.missed").counter().count();
    }

    private double sampledCounts(String outcome) {
        return context.getBean(MeterRegistry.class).get("portal.search.counts.sampled").tag("outcome", outcome).counter().count();
    }

    private long scannedTotal(String term) {
        return jdbc.sql("select count(*) from user_view where strpos(lower(email), lower(:term)) <> 0")
                .param("term", term).query(Long.class).single();
    }

    private double pages(String read) {
        return context.getBean(MeterRegistry.class).get("portal.search.common.pages").tag("read", read).counter().count();
    }

    @Test
    void R_SEARCH_1_the_index_is_asked_for_the_part_of_a_term_outside_a_shared_domain_and_finds_the_same() {
        String email = jdbc.sql("select email from user_view where email like :pattern order by email limit 1")
                .param("pattern", "%@" + domain + ".example").query(String.class).single();
        String local = email.substring(0, email.indexOf('@'));
        String term = local.substring(20).toUpperCase() + "@" + domain.toUpperCase() + ".EXAMPLE";

        assertThat(sample.share("email", "@" + domain)).as("the domain's share of the users")
                .isGreaterThan(0.2).isLessThanOrEqualTo(1.0);
        assertThat(sample.share("email", "@" + domain + "-" + letters(5))).isZero();
        // the run of uncommon trigrams: the local part's and the one across the '@'
        assertThat(sample.indexed("email", term)).isEqualTo(term.substring(0, local.length() - 20 + 2));
        // every trigram common: the rarest alone
        assertThat(sample.indexed("email", domain + ".exam")).hasSize(3);
        // too short to leave anything out
        assertThat(sample.indexed("email", "0ab")).isEqualTo("0ab");

        assertThat(ids("/api/users?email=" + encoded(term) + "&sort=email")).isEqualTo(scanned(term, 20)).hasSize(1);
        assertThat(ids("/api/users/suggestions?email=" + encoded(term))).isEqualTo(scanned(term, 10));
        String common = domain.substring(4) + ".ex";
        assertThat(ids("/api/users?email=" + encoded(common) + "&sort=email")).isEqualTo(scanned(common, 20)).hasSize(20);
    }

    @Test
    void R_SEARCH_1_a_walk_the_sample_says_a_term_is_too_rare_to_fill_is_not_tried_and_pages_stay_exact() {
        // three characters of the local parts that a few of these users share: more than the cap, under 1% of the view
        String rare = jdbc.sql("""
                        select t from (select distinct user_id, substr(email, i, 3) as t
                                       from user_view cross join generate_series(1, 31) as i where email like :pattern) as s
                        where t ~ '^[0-9a-f]{3}$' group by t having count(*) = 5 order by t limit 1""")
                .param("pattern", "%@" + domain + ".example").query(String.class).single();
        int matches = scanned(rare, 100).size();
        assertThat(matches).as("more than the cap of 4").isGreaterThan(4);
        assertThat(sample.share("email", rare) * 2000).as("expected in a walk of 2,000 rows").isLessThan(20);
        String common = "@" + domain;

        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        try {
            settings.setCountCap(4);
            settings.setHeads(false);
            double walked = pages("walk");
            double sorted = pages("sort");
            double missed = missedWalks();
            assertThat(ids("/api/users?email=" + rare + "&sort=email&size=20")).isEqualTo(scanned(rare, 20));
            assertThat(missedWalks()).as("no walk tried for the rare term").isEqualTo(missed);
            assertThat(pages("walk")).isEqualTo(walked);
            assertThat(pages("sort")).isEqualTo(sorted + 1);

            // the domain's users come first in email order ("0..."): a walk finds their first page
            assertThat(ids("/api/users?email=" + encoded(common) + "&sort=email&size=20")).isEqualTo(scanned(common, 20));
            assertThat(pages("walk")).as("the common term's walk").isEqualTo(walked + 1);
            assertThat(pages("sort")).isEqualTo(sorted + 1);
            assertThat(missedWalks()).isEqualTo(missed);
        } finally {
            settings.setCountCap(cap);
            settings.setHeads(true);
        }
        assertThat(sample.share("email", rare)).isCloseTo(0, within(0.01));
    }

    /** The last character of a local part, the '@' and the domain's first letter: a sixteenth of the domain's users, 2% of the view. */
    private String lastCharacterAtDomain() {
        return jdbc.sql("""
                        select right(split_part(email, '@', 1), 1) || '@' || left(:domain, 1) as t from user_view
                        where email like :pattern group by 1 order by count(*) desc limit 1""")
                .param("domain", domain).param("pattern", "%@" + domain + ".example").query(String.class).single();
    }

    /** The first page of 20 in email order is the one a plain scan finds, with the total at the cap, a lower bound. */
    private void firstPageAtCap(String term, int cap) {
        Api.Response page = api.get("/api/users?email=" + encoded(term) + "&sort=email&size=20").token(admin).send();
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().get("total").asLong()).isEqualTo(cap);
        assertThat(page.json().get("totalIsLowerBound").asBoolean()).isTrue();
        assertThat(page.json().get("items").findValuesAsText("id")).isEqualTo(scanned(term, 20));
    }

    @Test
    void R_SEARCH_1_a_common_terms_count_from_part_of_its_candidates_proves_the_cap_passed_or_gives_way_to_the_exact_count() {
        String term = lastCharacterAtDomain().toUpperCase();
        long users = scannedTotal(term);
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        try {
            settings.setCountCap(4);
            assertThat(sample.sampledCandidates("email", term, 5)).as("a part of the %d users", users)
                    .isPositive().isLessThan((int) users);
            assertThat(sample.sampledCandidates("email", term, users)).as("too few to find four times over").isZero();
            assertThat(sample.sampledCandidates("email", "@" + domain, 5)).as("in more than a tenth of the users").isZero();
            double proven = sampledCounts("proven");
            double unproven = sampledCounts("unproven");
            firstPageAtCap(term, 4);
            assertThat(sampledCounts("proven")).as("counted from part of the candidates").isEqualTo(proven + 1);
            assertThat(sampledCounts("unproven")).isEqualTo(unproven);

            // the sample still counts the term's users after most of them left: the part cannot
            // prove the cap passed, and the exact count follows
            jdbc.sql("""
                            delete from user_view where strpos(lower(email), lower(:term)) <> 0 and user_id not in
                            (select user_id from user_view where strpos(lower(email), lower(:term)) <> 0 order by email limit 3)""")
                    .param("term", term).update();
            assertThat(sample.sampledCandidates("email", term, 5)).as("the sample, not analyzed since").isPositive();
            Api.Response page = api.get("/api/users?email=" + encoded(term) + "&sort=email&size=20").token(admin).send();
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().get("total").asLong()).isEqualTo(scannedTotal(term)).isEqualTo(3);
            assertThat(page.json().get("totalIsLowerBound").asBoolean()).isFalse();
            assertThat(page.json().get("items").findValuesAsText("id")).isEqualTo(scanned(term, 20));
            assertThat(sampledCounts("unproven")).isEqualTo(unproven + 1);

            // a filter leaves the count exact: no part is read
            page = api.get("/api/users?email=" + encoded(term) + "&state=active&sort=email").token(admin).send();
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().get("total").asLong()).isEqualTo(3);
            assertThat(sampledCounts("proven") + sampledCounts("unproven")).isEqualTo(proven + unproven + 2);
        } finally {
            settings.setCountCap(cap);
        }
    }

    @Test
    void R_SEARCH_1_after_a_count_from_part_of_the_candidates_the_page_reads_every_candidate_again() {
        String term = lastCharacterAtDomain();
        long users = scannedTotal(term);
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        int walk = settings.getWalk();
        try {
            settings.setCountCap(4);
            settings.setHeads(false);
            settings.setWalk(1);
            assertThat(sample.sampledCandidates("email", term, 5)).as("a part of the %d users", users)
                    .isPositive().isLessThan((int) users / 2);
            double proven = sampledCounts("proven");
            Api.Response page = api.get("/api/users?email=" + encoded(term) + "&sort=email&size=40").token(admin).send();
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().get("totalIsLowerBound").asBoolean()).isTrue();
            // the sort of every match, through the trigram index, in the count's transaction
            assertThat(page.json().get("items").findValuesAsText("id")).isEqualTo(scanned(term, 40));
            assertThat(sampledCounts("proven")).isEqualTo(proven + 1);
        } finally {
            settings.setCountCap(cap);
            settings.setWalk(walk);
            settings.setHeads(true);
        }
    }

    @Test
    void R_SEARCH_1_a_common_term_whose_page_no_head_holds_is_read_whole_once_sorted_and_counted() {
        String term = lastCharacterAtDomain().toUpperCase();
        SearchSettings settings = context.getBean(SearchSettings.class);
        int cap = settings.getCountCap();
        try {
            settings.setCountCap(4);
            // no head holds the page: as after a rebuild of the view, until they are built again
            settings.setHeadsBuild(false);
            jdbc.sql("update search_head_size set built = false").update();
            double all = pages("all");
            double counted = sampledCounts("proven") + sampledCounts("unproven");
            firstPageAtCap(term, 4);
            assertThat(pages("all")).as("read whole once").isEqualTo(all + 1);
            assertThat(sampledCounts("proven") + sampledCounts("unproven")).as("no count before").isEqualTo(counted);

            // a later page, from the same one read
            Api.Response page = api.get("/api/users?email=" + encoded(term) + "&sort=email&size=2&page=1").token(admin).send();
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.json().get("items").findValuesAsText("id")).isEqualTo(scanned(term, 4).subList(2, 4));
            assertThat(page.json().get("total").asLong()).isEqualTo(4);
            assertThat(pages("all")).isEqualTo(all + 2);
        } finally {
            jdbc.sql("update search_head_size set built = true").update();
            settings.setHeadsBuild(true);
            settings.setCountCap(cap);
        }
    }
}
