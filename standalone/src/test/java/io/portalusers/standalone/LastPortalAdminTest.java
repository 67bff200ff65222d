package io.portalusers.standalone;

import io.portalusers.api.UserId;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-STATE-2 where it bites: a portal with exactly two enabled Portal Admins, each disabling
 * the other at the same moment. Its own database, so that no other test's admins count.
 */
class LastPortalAdminTest extends OwnContextTest {

    @DynamicPropertySource
    static void lastAdminDatabase(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "last-admin");
    }

    private long enabledPortalAdmins() {
        return jdbc.sql("select count(*) from actor where account_role = 'PORTAL_ADMIN' and enabled")
                .query(Long.class).single();
    }

    @Test
    void R_STATE_2_two_portal_admins_disabling_each_other_at_once_leave_one_enabled() throws Exception {
        Api api = new Api(port);
        String first = jdbc.sql("select user_id::text from actor where account_role = 'PORTAL_ADMIN'")
                .query(String.class).single();
        String firstToken = tokens.issue(UserId.of(first)).token();
        String second = api.post("/api/users", """
                {"username": "second-admin", "email": "second-admin@portal.example", "firstName": "Second",
                 "lastName": "Admin", "role": "PORTAL_ADMIN"}""").token(firstToken).send().json().get("id").asText();
        String secondToken = tokens.issue(UserId.of(second)).token();

        for (int round = 0; round < 20; round++) {
            assertThat(enabledPortalAdmins()).isEqualTo(2);
            List<Integer> statuses = ApiTest.concurrently(2, i -> {
                return i == 0
                        ? api.post("/api/users/" + second + "/disable", "").token(firstToken).send().status()
                        : api.post("/api/users/" + first + "/disable", "").token(secondToken).send().status();
            });

            // the loser is refused by R-STATE-2 (403), or is already disabled when it calls (401)
            assertThat(statuses).as("round %d", round).containsOnlyOnce(200);
            assertThat(statuses).as("round %d", round).anySatisfy(s -> assertThat(s).isIn(401, 403));
            assertThat(enabledPortalAdmins()).isEqualTo(1);
            boolean firstSurvived = statuses.get(0) == 200;
            String survivorToken = firstSurvived ? firstToken : secondToken;
            String disabled = firstSurvived ? second : first;
            assertThat(api.post("/api/users/" + disabled + "/enable", "").token(survivorToken).send().status())
                    .isEqualTo(200);
        }
    }
}
