package io.portalusers.standalone;

import io.portalusers.api.UserId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-EDIT-6 through HTTP: the security review's attack. Dan is a pending Developer of A whose
 * membership in B is Org Admin; Olga administers A only. Were she to point Dan's email at an
 * address of hers and resend the invitation, she would activate Dan and be Org Admin of B.
 */
class EmailControlApiTest extends ApiTest {

    /** The organizations A and B, Dan (Developer in A, Org Admin in B) and Olga's token (Org Admin of A). */
    private record Shared(String orgA, String orgB, String dan, String olga) {
    }

    private Shared shared() {
        String orgA = organization();
        String orgB = organization();
        String dan = user("Dan", "Shared", "dan-" + letters(10) + "@example.com", "DEVELOPER",
                orgA, "DEVELOPER", orgB, "ORG_ADMIN");
        String olga = user("Olga", "Owner", "olga-" + letters(10) + "@example.com", "ORG_ADMIN", orgA, "ORG_ADMIN");
        return new Shared(orgA, orgB, dan, tokenFor(UserId.of(olga)));
    }

    private Api.Response changeEmail(String user, String token) {
        return api.patch("/api/users/" + user, """
                {"email": "mine-%s@example.com"}""".formatted(letters(10))).token(token).send();
    }

    private Api.Response resend(String user, String token) {
        return api.post("/api/users/" + user + "/activation-email", "").token(token).send();
    }

    private static void refusedByR_EDIT_6(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("R-EDIT-6");
    }

    @Test
    void R_EDIT_6_an_org_admin_of_one_of_the_users_organizations_cannot_change_its_email() {
        Shared shared = shared();
        long events = eventCount(shared.dan());

        Api.Response changed = changeEmail(shared.dan(), shared.olga());
        Api.Response withName = api.patch("/api/users/" + shared.dan(), """
                {"firstName": "Dan", "lastName": "Mine", "email": "mine-%s@example.com"}""".formatted(letters(10)))
                .token(shared.olga()).send();

        refusedByR_EDIT_6(changed);
        refusedByR_EDIT_6(withName);
        assertThat(eventCount(shared.dan())).isEqualTo(events);
    }

    @Test
    void R_EDIT_6_an_org_admin_of_one_of_the_users_organizations_cannot_resend_its_activation_email() {
        Shared shared = shared();
        long events = eventCount(shared.dan());

        Api.Response resent = resend(shared.dan(), shared.olga());

        refusedByR_EDIT_6(resent);
        assertThat(eventCount(shared.dan())).isEqualTo(events);
    }

    @Test
    void R_EDIT_6_an_org_admin_still_edits_the_name_of_a_user_it_shares_with_another_organization() {
        Shared shared = shared();
        long events = eventCount(shared.dan());

        Api.Response renamed = api.patch("/api/users/" + shared.dan(), """
                {"firstName": "Daniel", "lastName": "Shared"}""").token(shared.olga()).send();

        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(eventCount(shared.dan())).isEqualTo(events + 1);
    }

    @Test
    void R_EDIT_6_an_org_admin_of_every_organization_of_the_user_changes_its_email() {
        Shared shared = shared();
        String both = user("Abe", "Both", "abe-" + letters(10) + "@example.com", "DEVELOPER",
                shared.orgA(), "ORG_ADMIN", shared.orgB(), "ORG_ADMIN");
        String token = tokenFor(UserId.of(both));
        long events = eventCount(shared.dan());

        Api.Response changed = changeEmail(shared.dan(), token);
        Api.Response resent = resend(shared.dan(), token);

        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
        assertThat(eventCount(shared.dan())).isEqualTo(events + 2);
    }

    @Test
    void R_EDIT_6_an_org_admin_changes_the_email_of_a_user_of_its_organization_only_and_invites_it() {
        Shared shared = shared();
        String own = user("Ann", "Own", "ann-" + letters(10) + "@example.com", "DEVELOPER", shared.orgA(), "DEVELOPER");
        long events = eventCount(own);

        Api.Response changed = changeEmail(own, shared.olga());
        Api.Response resent = resend(own, shared.olga());

        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
        assertThat(eventCount(own)).isEqualTo(events + 2);
    }

    @Test
    void R_EDIT_6_a_portal_admin_changes_the_email_of_a_user_of_several_organizations_and_invites_it() {
        Shared shared = shared();
        long events = eventCount(shared.dan());

        Api.Response changed = changeEmail(shared.dan(), admin);
        Api.Response resent = resend(shared.dan(), admin);

        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
        assertThat(eventCount(shared.dan())).isEqualTo(events + 2);
    }
}
