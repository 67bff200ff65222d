package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.registration.DuplicateRegistrationAttempted;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-registration through HTTP (R-REG-1..4): both modes end to end, rejection, the
 * organization-name race, settings changed while requests wait, and identical answers for existing and new emails (no
 * enumeration).
 */
class RegistrationApiTest extends ApiTest {

    private static final Duration PROJECTION_DELAY = Duration.ofSeconds(20);
    private static final String PASSWORD = "a long passphrase of mine 42";

    @AfterEach
    void registrationOff() {
        settings(false, false);
    }

    private void settings(boolean registration, boolean workflow) {
        Api.Response changed = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}"""
                .formatted(registration, workflow)).token(admin).send();
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }

    private record Visitor(String username, String email, String organization) {
        static Visitor fresh() {
            String unique = letters(10);
            return new Visitor("reg-" + unique, unique + "@visitor.example", "Org " + unique);
        }

        Visitor withOrganization(String name) {
            return new Visitor(username, email, name);
        }

        Visitor withEmail(String other) {
            return new Visitor(username, other, organization);
        }
    }

    private Api.Response register(Visitor visitor) {
        return api.post("/api/registrations", """
                {"username": "%s", "email": "%s", "firstName": "Vera", "lastName": "Visitor", "language": "de",
                 "organizationName": "%s", "termsAccepted": true}"""
                .formatted(visitor.username(), visitor.email(), visitor.organization())).send();
    }

    /** The request of a visitor as Portal Admins list it. */
    private JsonNode awaitRequest(Visitor visitor, String status) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await().atMost(PROJECTION_DELAY).until(() -> {
            Api.Response list = api.get("/api/registrations?size=100").token(admin).send();
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            for (JsonNode item : list.json().get("items")) {
                if (item.get("username").asText().equals(visitor.username())) {
                    found.set(item);
                    return status.equals(item.get("status").asText());
                }
            }
            return false;
        });
        return found.get();
    }

    private long organizationsNamed(String name) {
        return jdbc.sql("select count(*) from organization_lookup where name_key = lower(?)")
                .param(name).query(Long.class).single();
    }

    private long usersNamed(Visitor visitor) {
        return jdbc.sql("select count(*) from username_lookup where username_key = lower(?)")
                .param(visitor.username()).query(Long.class).single();
    }

    /** Follows the activation link of the account setup email and sets the password. */
    private void activate(Visitor visitor) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> MAIL.to(visitor.email()).stream().anyMatch(RegistrationApiTest::isActivation));
        List<MimeMessage> activations = MAIL.to(visitor.email()).stream()
                .filter(RegistrationApiTest::isActivation).toList();
        assertThat(activations).hasSize(1);
        MimeMessage activation = activations.get(0);
        String path = "/api/account-setup/" + Mailbox.token(activation);
        Api.Response form = api.get(path).send();
        assertThat(form.status()).as(form.body()).isEqualTo(200);
        assertThat(form.json().get("username").asText()).isEqualTo(visitor.username());
        Api.Response done = api.post(path, """
                {"password": "%s"}""".formatted(PASSWORD)).send();
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("activation").asText()).isEqualTo("ACTIVE");
    }

    private static boolean isActivation(MimeMessage email) {
        return Mailbox.part(email, "text/plain").contains("/account-setup/");
    }

    private static String subject(MimeMessage email) {
        try {
            return email.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The new Org Admin adds a Developer to the new organization (R-ADD-3). */
    private void orgAdminAddsADeveloper(JsonNode request) {
        String organization = request.get("organizationId").asText();
        String orgAdmin = tokenFor(UserId.of(request.get("userId").asText()));
        String developer = "dev-" + letters(10);
        Api.Response added = api.post("/api/users", """
                {"username": "%s", "email": "%s@visitor.example", "firstName": "Dev", "lastName": "Eloper",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": false}"""
                .formatted(developer, developer, organization)).token(orgAdmin).send();
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        await().atMost(PROJECTION_DELAY).until(() -> {
            Api.Response user = api.get("/api/users/" + request.get("userId").asText()).token(admin).send();
            return user.status() == 200 && "ACTIVE".equals(user.json().get("activation").asText());
        });
        JsonNode user = api.get("/api/users/" + request.get("userId").asText()).token(admin).send().json();
        assertThat(user.get("role").asText()).isEqualTo("ORG_ADMIN");
        assertThat(user.get("memberships").get(0).get("organizationId").asText()).isEqualTo(organization);
    }

    @Test
    void R_REG_1_without_the_workflow_a_visitor_becomes_org_admin_of_a_new_organization_at_once() {
        settings(true, false);
        Visitor visitor = Visitor.fresh();

        Api.Response received = register(visitor);

        assertThat(received.status()).as(received.body()).isEqualTo(202);
        JsonNode request = awaitRequest(visitor, "COMPLETED");
        assertThat(request.get("awaitsApproval").asBoolean()).isFalse();
        assertThat(request.get("organizationName").asText()).isEqualTo(visitor.organization());
        assertThat(organizationsNamed(visitor.organization())).isEqualTo(1);
        activate(visitor);
        orgAdminAddsADeveloper(request);
    }

    @Test
    void R_REG_2_with_the_workflow_the_visitor_gets_the_account_setup_only_after_a_portal_admin_approved() {
        settings(true, true);
        Visitor visitor = Visitor.fresh();

        assertThat(register(visitor).status()).isEqualTo(202);
        JsonNode pending = awaitRequest(visitor, "PENDING");
        assertThat(pending.get("expiresAt").asText()).isNotEmpty();
        // nothing exists before the approval (R-REG-3), so there is no account to set up
        assertThat(organizationsNamed(visitor.organization())).isZero();
        assertThat(usersNamed(visitor)).isZero();
        MimeMessage received = MAIL.await(visitor.email(), 1).get(0);
        assertThat(subject(received)).isEqualTo("Ihre Registrierungsanfrage ist eingegangen");
        assertThat(Mailbox.part(received, "text/plain")).contains(visitor.username(), visitor.organization())
                .doesNotContain("/account-setup/");
        // only a Portal Admin approves
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(givenOrganization(), Role.ORG_ADMIN)));
        String id = pending.get("id").asText();
        Api.Response refused = api.post("/api/registrations/" + id + "/approve", "").token(orgAdmin).send();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-REG-2");

        Api.Response approved = api.post("/api/registrations/" + id + "/approve", "").token(admin).send();

        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        JsonNode request = awaitRequest(visitor, "COMPLETED");
        assertThat(request.get("decidedBy").asText()).isNotEmpty();
        assertThat(organizationsNamed(visitor.organization())).isEqualTo(1);
        activate(visitor);
        orgAdminAddsADeveloper(request);
        // decided once
        Api.Response again = api.post("/api/registrations/" + id + "/approve", "").token(admin).send();
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asText()).isEqualTo("R-REG-2");
    }

    /**
     * The authorization matrix for registration requests: every role but Portal Admin (and anonymous
     * callers) is refused reading, approving and rejecting a pending request (R-REG-2); a
     * refusal appends no event and leaves the request pending, which the Portal Admin then
     * decides.
     */
    @Test
    void A1_R_REG_2_only_a_portal_admin_reads_approves_and_rejects_registration_requests() {
        settings(true, true);
        Visitor visitor = Visitor.fresh();
        assertThat(register(visitor).status()).isEqualTo(202);
        String id = awaitRequest(visitor, "PENDING").get("id").asText();
        OrganizationId organization = givenOrganization();
        Map<String, String> others = new TreeMap<>();
        others.put("API Owner", tokenFor(givenUser(Role.API_OWNER)));
        for (Role role : List.of(Role.ORG_ADMIN, Role.ORG_PUBLISHER, Role.DEVELOPER)) {
            others.put(role.name(), tokenFor(givenUser(role, new Membership(organization, role))));
        }
        long events = eventCount(id);

        List<String> disagreements = new ArrayList<>();
        for (Map.Entry<String, String> actor : others.entrySet()) {
            for (Api.Response response : List.of(
                    api.get("/api/registrations").token(actor.getValue()).send(),
                    api.get("/api/registrations/" + id).token(actor.getValue()).send(),
                    api.post("/api/registrations/" + id + "/approve", "").token(actor.getValue()).send(),
                    api.post("/api/registrations/" + id + "/reject", """
                            {"reason": "not mine to decide"}""").token(actor.getValue()).send())) {
                if (response.status() != 403 || !"R-REG-2".equals(response.json().get("code").asText())) {
                    disagreements.add(actor.getKey() + ": " + response.status() + " " + response.body());
                }
            }
        }
        for (Api.Response anonymous : List.of(api.get("/api/registrations/" + id).send(),
                api.post("/api/registrations/" + id + "/approve", "").send())) {
            if (anonymous.status() != 401) {
                disagreements.add("anonymous: " + anonymous.status() + " " + anonymous.body());
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(eventCount(id)).isEqualTo(events);
        assertThat(api.get("/api/registrations/" + id).token(admin).send().json().get("status").asText())
                .isEqualTo("PENDING");

        Api.Response rejected = api.post("/api/registrations/" + id + "/reject", """
                {"reason": "decided by the Portal Admin"}""").token(admin).send();
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        assertThat(eventCount(id)).isGreaterThan(events);
    }

    @Test
    void R_REG_3_a_rejected_registration_leaves_no_organization_and_no_user() {
        settings(true, true);
        Visitor visitor = Visitor.fresh();
        assertThat(register(visitor).status()).isEqualTo(202);
        String id = awaitRequest(visitor, "PENDING").get("id").asText();

        Api.Response noReason = api.post("/api/registrations/" + id + "/reject", "{}").token(admin).send();
        assertThat(noReason.status()).isEqualTo(400);
        Api.Response rejected = api.post("/api/registrations/" + id + "/reject", """
                {"reason": "not a company we know"}""").token(admin).send();

        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        JsonNode request = awaitRequest(visitor, "REJECTED");
        assertThat(request.get("reason").asText()).isEqualTo("not a company we know");
        List<MimeMessage> told = MAIL.await(visitor.email(), 2);
        assertThat(subject(told.get(1))).isEqualTo("Ihre Registrierungsanfrage wurde abgelehnt");
        assertThat(Mailbox.part(told.get(1), "text/plain")).contains("Angegebener Grund: not a company we know");
        assertThat(organizationsNamed(visitor.organization())).isZero();
        assertThat(usersNamed(visitor)).isZero();
        Api.Response late = api.post("/api/registrations/" + id + "/approve", "").token(admin).send();
        assertThat(late.status()).isEqualTo(409);
        assertThat(organizationsNamed(visitor.organization())).isZero();
    }

    @Test
    void R_REG_1_refused_while_registration_is_disabled_allowed_once_enabled() {
        settings(false, false);
        long before = eventCount();
        Api.Response refused = register(Visitor.fresh());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("code").asText()).isEqualTo("R-REG-1");
        assertThat(eventCount()).isEqualTo(before);

        settings(true, false);
        assertThat(register(Visitor.fresh()).status()).isEqualTo(202);
    }

    @Test
    void R_REG_1_a_visitor_cannot_join_an_existing_organization_by_its_name() {
        settings(true, false);
        String name = "Existing " + letters(8);
        assertThat(api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(name)).token(admin).send().status()).isEqualTo(201);
        long before = eventCount();

        Api.Response refused = register(Visitor.fresh().withOrganization(name.toUpperCase()));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-REG-1");
        assertThat(eventCount()).isEqualTo(before);
        assertThat(organizationsNamed(name)).isEqualTo(1);
    }

    @Test
    void invalid_input_gets_field_errors_and_appends_nothing() {
        settings(true, false);
        long before = eventCount();
        Api.Response invalid = api.post("/api/registrations", """
                {"username": "x", "email": "not an email", "firstName": "", "lastName": "V",
                 "organizationName": "Ok", "language": "??", "termsAccepted": false}""").send();
        assertThat(invalid.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        invalid.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).contains("username", "email", "firstName", "language", "termsAccepted");
        Api.Response unknown = api.post("/api/registrations", """
                {"username": "valid-name", "email": "v@visitor.example", "firstName": "V", "lastName": "V",
                 "organizationName": "Ok", "termsAccepted": true, "role": "PORTAL_ADMIN"}""").send();
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void R_REG_2_only_portal_admins_list_and_read_requests_filtered_by_status_and_date() {
        settings(true, true);
        Instant start = Instant.now().minusSeconds(1);
        Visitor visitor = Visitor.fresh();
        assertThat(register(visitor).status()).isEqualTo(202);
        String id = awaitRequest(visitor, "PENDING").get("id").asText();

        Api.Response pending = api.get("/api/registrations?status=pending&from=" + start + "&size=100").token(admin).send();
        assertThat(pending.status()).isEqualTo(200);
        assertThat(pending.json().get("items").findValuesAsText("id")).contains(id);
        assertThat(pending.json().get("items").findValuesAsText("status")).containsOnly("PENDING");
        Api.Response before = api.get("/api/registrations?to=" + start).token(admin).send();
        assertThat(before.json().get("items").findValuesAsText("id")).doesNotContain(id);
        Api.Response rejected = api.get("/api/registrations?status=REJECTED&from=" + start).token(admin).send();
        assertThat(rejected.json().get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(api.get("/api/registrations?status=nonsense").token(admin).send().status()).isEqualTo(400);
        Api.Response one = api.get("/api/registrations/" + id).token(admin).send();
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("email").asText()).isEqualTo(visitor.email());

        String developer = tokenFor(givenUser(Role.API_OWNER));
        Api.Response refused = api.get("/api/registrations").token(developer).send();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-REG-2");
        assertThat(api.get("/api/registrations/" + id).token(developer).send().status()).isEqualTo(403);
        assertThat(api.get("/api/registrations").send().status()).isEqualTo(401);
        assertThat(api.post("/api/registrations/" + id + "/approve", "").send().status()).isEqualTo(401);
    }

    /**
     * R-REG-1: two pending requests name one new organization; a Portal Admin approves both
     * at the same instant. The first approved wins; the other is refused with R-REG-1 and stays
     * pending, to be rejected. Exactly one organization comes to be.
     */
    @Test
    void R_REG_1_two_requests_for_one_organization_approved_at_once_create_exactly_one() throws Exception {
        settings(true, true);
        for (int round = 0; round < 5; round++) {
            String name = "Contested " + letters(10);
            Visitor first = Visitor.fresh().withOrganization(name);
            Visitor second = Visitor.fresh().withOrganization(name.toLowerCase());
            assertThat(register(first).status()).isEqualTo(202);
            assertThat(register(second).status()).isEqualTo(202);
            List<String> ids = List.of(awaitRequest(first, "PENDING").get("id").asText(),
                    awaitRequest(second, "PENDING").get("id").asText());

            List<Api.Response> answers = concurrently(2, i ->
                    api.post("/api/registrations/" + ids.get(i) + "/approve", "").token(admin).send());

            assertThat(answers).extracting(Api.Response::status).as("round %d", round).containsExactlyInAnyOrder(200, 409);
            Api.Response loser = answers.stream().filter(a -> a.status() == 409).findFirst().orElseThrow();
            assertThat(loser.json().get("code").asText()).isEqualTo("R-REG-1");
            Visitor winner = answers.get(0).status() == 200 ? first : second;
            Visitor other = winner == first ? second : first;
            awaitRequest(winner, "COMPLETED");
            assertThat(organizationsNamed(name)).isEqualTo(1);
            assertThat(awaitRequest(other, "PENDING").get("status").asText()).isEqualTo("PENDING");
            assertThat(api.post("/api/registrations/" + ids.get(winner == first ? 1 : 0) + "/reject", """
                    {"reason": "the organization exists"}""").token(admin).send().status()).isEqualTo(200);
        }
    }

    /**
     * R-REG-1, the narrowest interleaving of two approvals for one name: the second approval has
     * checked the name, and before it reserves it the first one's whole path runs (its
     * reservation, the organization created, its reservation released). A trigger made for
     * this test holds the second reservation until then. The second approval is refused,
     * and one organization exists.
     */
    @Test
    void R_REG_1_an_approval_whose_check_ran_before_another_request_completed_is_refused() throws Exception {
        settings(true, true);
        String name = "Interleaved " + letters(10);
        Visitor first = Visitor.fresh().withOrganization(name);
        Visitor second = Visitor.fresh().withOrganization(name.toUpperCase());
        assertThat(register(first).status()).isEqualTo(202);
        assertThat(register(second).status()).isEqualTo(202);
        String firstId = awaitRequest(first, "PENDING").get("id").asText();
        String secondId = awaitRequest(second, "PENDING").get("id").asText();
        jdbc.sql("""
                create or replace function hold_second_reservation() returns trigger language plpgsql as $$
                begin
                    if new.registration_id = '%s'::uuid then
                        for i in 1..400 loop
                            exit when exists (select 1 from organization_lookup where name_key = new.name_key)
                                  and not exists (select 1 from registration_organization_lookup
                                                  where name_key = new.name_key and registration_id <> new.registration_id);
                            perform pg_sleep(0.05);
                        end loop;
                    end if;
                    return new;
                end $$""".formatted(secondId)).update();
        jdbc.sql("""
                create trigger hold_second_reservation before insert on registration_organization_lookup
                for each row execute function hold_second_reservation()""").update();
        try {
            ExecutorService approving = Executors.newSingleThreadExecutor();
            Future<Api.Response> held = approving.submit(() ->
                    api.post("/api/registrations/" + secondId + "/approve", "").token(admin).send());
            approving.shutdown();
            // the second approval has checked the name and waits in its reservation
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                    select count(*) from pg_stat_activity where query like 'insert into registration_organization_lookup%'
                    and state = 'active'""").query(Long.class).single() > 0);
            assertThat(api.post("/api/registrations/" + firstId + "/approve", "").token(admin).send().status())
                    .isEqualTo(200);
            awaitRequest(first, "COMPLETED");

            Api.Response refused = held.get(30, TimeUnit.SECONDS);
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isEqualTo("R-REG-1");
            assertThat(awaitRequest(second, "PENDING").get("status").asText()).isEqualTo("PENDING");
            assertThat(organizationsNamed(name)).isEqualTo(1);
        } finally {
            jdbc.sql("drop trigger hold_second_reservation on registration_organization_lookup").update();
            jdbc.sql("drop function hold_second_reservation()").update();
        }
    }

    /** R-REG-1 without the workflow: visitors naming one new organization at once; one organization. */
    @Test
    void R_REG_1_concurrent_registrations_of_one_organization_without_the_workflow_create_exactly_one() throws Exception {
        settings(true, false);
        String name = "Rush " + letters(10);
        List<Api.Response> answers = concurrently(6, i -> register(Visitor.fresh().withOrganization(name)));

        assertThat(answers).extracting(Api.Response::status).containsOnly(202, 409);
        assertThat(answers).extracting(Api.Response::status).containsOnlyOnce(202);
        await().atMost(PROJECTION_DELAY).until(() -> organizationsNamed(name) == 1);
        Thread.sleep(500);
        assertThat(organizationsNamed(name)).isEqualTo(1);
    }

    @Test
    void settings_changed_while_requests_wait_leave_them_waiting_for_a_decision() {
        settings(true, true);
        Visitor stays = Visitor.fresh();
        Visitor approvedAfterClosing = Visitor.fresh();
        assertThat(register(stays).status()).isEqualTo(202);
        assertThat(register(approvedAfterClosing).status()).isEqualTo(202);
        awaitRequest(stays, "PENDING");
        String id = awaitRequest(approvedAfterClosing, "PENDING").get("id").asText();

        // the workflow switched off: waiting requests are not accepted by it, they still wait
        settings(true, false);
        assertThat(awaitRequest(stays, "PENDING").get("status").asText()).isEqualTo("PENDING");
        assertThat(organizationsNamed(stays.organization())).isZero();
        // registration closed: no new requests, but a waiting one may still be approved
        settings(false, false);
        assertThat(register(Visitor.fresh()).status()).isEqualTo(403);
        assertThat(api.post("/api/registrations/" + id + "/approve", "").token(admin).send().status()).isEqualTo(200);
        awaitRequest(approvedAfterClosing, "COMPLETED");
        assertThat(organizationsNamed(approvedAfterClosing.organization())).isEqualTo(1);
    }

    @Test
    void R_REG_4_an_existing_username_or_email_gets_the_same_answer_and_creates_nothing() {
        settings(true, false);
        Visitor owner = Visitor.fresh();
        assertThat(register(owner).status()).isEqualTo(202);
        awaitRequest(owner, "COMPLETED");
        // the notifier writes to an account it knows: its account setup email says it does (the
        // registrations view may be ahead of the notifier, whose segments run apart)
        MAIL.await(owner.email(), 1);
        long duplicatesBefore = duplicates();

        Api.Response fresh = register(Visitor.fresh());
        Api.Response sameEmail = register(Visitor.fresh().withEmail(owner.email().toUpperCase()));
        Visitor takenName = new Visitor(owner.username(), letters(8) + "@visitor.example", "Org " + letters(8));
        Api.Response sameUsername = register(takenName);

        for (Api.Response duplicate : List.of(sameEmail, sameUsername)) {
            assertThat(duplicate.status()).isEqualTo(fresh.status());
            assertThat(duplicate.body()).isEqualTo(fresh.body());
            assertThat(comparableHeaders(duplicate)).isEqualTo(comparableHeaders(fresh));
        }
        assertThat(duplicates()).isEqualTo(duplicatesBefore + 2);
        // the owner of the address learns of it by email; the visitor's answer said nothing
        List<MimeMessage> toOwner = MAIL.await(owner.email(), 2);
        assertThat(subject(toOwner.get(1))).isEqualTo("Jemand wollte sich mit Ihrer E-Mail-Adresse registrieren");
        assertThat(Mailbox.part(toOwner.get(1), "text/plain")).contains("mit dem Benutzernamen " + owner.username());
        // a taken username with an unused address: that address is told to choose another
        MimeMessage taken = MAIL.await(takenName.email(), 1).get(0);
        assertThat(subject(taken)).isEqualTo("Ihre Registrierung konnte nicht abgeschlossen werden");
        assertThat(Mailbox.part(taken, "text/plain"))
                .contains("Der Benutzername " + owner.username() + " ist im API-Portal bereits vergeben");
        assertThat(jdbc.sql("select count(*) from email_lookup where email_key = lower(?)").param(owner.email())
                .query(Long.class).single()).isEqualTo(1);
        assertThat(usersNamed(owner)).isEqualTo(1);
    }

    /**
     * A user that exists before the test registers anything: the address and the username a
     * visitor may name, and which a probe then tries to find out about.
     */
    private Visitor existingUser() {
        String unique = letters(10);
        Visitor user = new Visitor("old-" + unique, unique + "@existing.example", "Org " + unique);
        UserId id = UserId.random();
        givenEvent(id, new UserCreated(id, Username.of(user.username()), EmailAddress.of(user.email()),
                new PersonName("Olga", "Old"), Language.ENGLISH, Role.DEVELOPER, List.of(), UserSource.PORTAL, null,
                false));
        return user;
    }

    /** An answer as a visitor can compare it: status, headers but the per-request ones, body but its correlation id. */
    private static List<Object> comparable(Api.Response response) {
        Object body = response.body();
        if (response.contentType().startsWith("application/problem+json")) {
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) response.json();
            json.remove("correlationId");
            body = json;
        }
        return List.of(response.status(), comparableHeaders(response), body);
    }

    /** Registration expiry deadlines that are scheduled: due in about {@code portal.registration.expiry} (30 days). */
    private long scheduledExpiries() {
        return jdbc.sql("""
                        select count(*) from scheduled_tasks
                        where execution_time between now() + interval '29 days' and now() + interval '31 days'""")
                .query(Long.class).single();
    }

    /**
     * R-REG-4, the probe of a security review: a visitor registers with someone's address
     * (or username) and a made-up organization name, and another with a fresh address and
     * another made-up name; then a fresh address names each organization again. Were the
     * later answers to differ, they would tell whether the first address had an account.
     * The first answers are allowed (202) alike, the later ones refused (409, R-REG-1) alike:
     * the duplicate reserved its organization name exactly as the accepted registration did.
     */
    private void probeWithoutTheWorkflow(java.util.function.UnaryOperator<Visitor> naming) {
        settings(true, false);
        Visitor existing = naming.apply(Visitor.fresh());
        Visitor fresh = Visitor.fresh();

        Api.Response firstExisting = register(existing);
        Api.Response firstFresh = register(fresh);
        Api.Response laterExisting = register(Visitor.fresh().withOrganization(existing.organization()));
        Api.Response laterFresh = register(Visitor.fresh().withOrganization(fresh.organization().toUpperCase()));

        assertThat(firstFresh.status()).as(firstFresh.body()).isEqualTo(202);
        assertThat(comparable(firstExisting)).isEqualTo(comparable(firstFresh));
        assertThat(laterFresh.status()).as(laterFresh.body()).isEqualTo(409);
        assertThat(laterFresh.json().get("code").asText()).isEqualTo("R-REG-1");
        assertThat(comparable(laterExisting)).isEqualTo(comparable(laterFresh));
        // nothing was made for the duplicate: its name stays taken without an organization or a user;
        // it is no request for Portal Admins to list (nor counted in the registration figures)
        awaitRequest(fresh, "COMPLETED");
        assertThat(api.get("/api/registrations?size=100").token(admin).send().json().get("items")
                .findValuesAsText("organizationName")).contains(fresh.organization())
                .doesNotContain(existing.organization());
        assertThat(organizationsNamed(fresh.organization())).isEqualTo(1);
        assertThat(organizationsNamed(existing.organization())).isZero();
        assertThat(register(Visitor.fresh().withOrganization(existing.organization())).status()).isEqualTo(409);
    }

    @Test
    void R_REG_4_an_existing_email_reserves_the_organization_name_as_a_fresh_one_does() {
        Visitor owner = existingUser();
        probeWithoutTheWorkflow(visitor -> visitor.withEmail(owner.email().toUpperCase()));
        assertThat(usersNamed(owner)).isEqualTo(1);
    }

    @Test
    void R_REG_4_an_existing_username_reserves_the_organization_name_as_a_fresh_one_does() {
        Visitor owner = existingUser();
        probeWithoutTheWorkflow(visitor -> new Visitor(owner.username(), visitor.email(), visitor.organization()));
        assertThat(usersNamed(owner)).isEqualTo(1);
    }

    /**
     * R-REG-4 with the workflow: a request waits and reserves no name, so the later answers
     * for both names are allowed (202) alike, and both leave one expiry deadline behind. A
     * name an organization has is refused alike, whichever address names it.
     */
    private void probeWithTheWorkflow(java.util.function.UnaryOperator<Visitor> naming) {
        settings(true, true);
        Visitor existing = naming.apply(Visitor.fresh());
        Visitor fresh = Visitor.fresh();
        String taken = "Taken " + letters(10);
        organization(taken);

        long expiries = scheduledExpiries();
        Api.Response firstExisting = register(existing);
        long afterExisting = scheduledExpiries();
        Api.Response firstFresh = register(fresh);
        long afterFresh = scheduledExpiries();
        Api.Response laterExisting = register(Visitor.fresh().withOrganization(existing.organization()));
        Api.Response laterFresh = register(Visitor.fresh().withOrganization(fresh.organization()));
        Api.Response takenExisting = register(naming.apply(Visitor.fresh()).withOrganization(taken));
        Api.Response takenFresh = register(Visitor.fresh().withOrganization(taken));

        assertThat(firstFresh.status()).as(firstFresh.body()).isEqualTo(202);
        assertThat(comparable(firstExisting)).isEqualTo(comparable(firstFresh));
        assertThat(laterFresh.status()).as(laterFresh.body()).isEqualTo(202);
        assertThat(comparable(laterExisting)).isEqualTo(comparable(laterFresh));
        assertThat(takenFresh.status()).isEqualTo(409);
        assertThat(comparable(takenExisting)).isEqualTo(comparable(takenFresh));
        assertThat(afterExisting - expiries).as("expiry deadlines the existing one left").isEqualTo(1);
        assertThat(afterFresh - afterExisting).as("expiry deadlines the fresh one left").isEqualTo(1);
    }

    @Test
    void R_REG_4_with_the_workflow_an_existing_email_leaves_what_a_fresh_one_leaves() {
        Visitor owner = existingUser();
        probeWithTheWorkflow(visitor -> visitor.withEmail(owner.email()));
    }

    @Test
    void R_REG_4_with_the_workflow_an_existing_username_leaves_what_a_fresh_one_leaves() {
        Visitor owner = existingUser();
        probeWithTheWorkflow(visitor -> new Visitor(owner.username(), visitor.email(), visitor.organization()));
    }

    /**
     * R-REG-4: a registration with a fresh address makes its username taken (the user is
     * created). One with an existing address must leave its username taken too, or a visitor
     * who later registers that username with an address of their own learns from the email
     * they get (account setup, or "username taken") whether the first address had an
     * account. Both later registrations are told the username is taken, at once.
     */
    @Test
    void R_REG_4_an_existing_email_leaves_its_username_taken_as_a_fresh_one_does() {
        settings(true, false);
        Visitor owner = existingUser();
        Visitor existing = Visitor.fresh().withEmail(owner.email());
        Visitor fresh = Visitor.fresh();
        assertThat(comparable(register(existing))).isEqualTo(comparable(register(fresh)));

        Visitor laterExisting = new Visitor(existing.username(), letters(10) + "@visitor.example", "Org " + letters(10));
        Visitor laterFresh = new Visitor(fresh.username(), letters(10) + "@visitor.example", "Org " + letters(10));
        Api.Response answerExisting = register(laterExisting);
        Api.Response answerFresh = register(laterFresh);

        assertThat(answerFresh.status()).isEqualTo(202);
        assertThat(comparable(answerExisting)).isEqualTo(comparable(answerFresh));
        for (Visitor later : List.of(laterExisting, laterFresh)) {
            MimeMessage told = MAIL.await(later.email(), 1).get(0);
            assertThat(Mailbox.part(told, "text/plain")).as(later.toString())
                    .contains("Der Benutzername " + later.username() + " ist im API-Portal bereits vergeben")
                    .doesNotContain("/account-setup/");
        }
        awaitRequest(fresh, "COMPLETED");
        // the registration with the existing address still made no user: its username is only held
        assertThat(usersNamed(existing)).isZero();
        assertThat(usersNamed(fresh)).isEqualTo(1);
        assertThat(MAIL.to(laterExisting.email())).hasSize(1);
    }

    private long duplicates() {
        return jdbc.sql("select count(*) from domainevententry where payloadtype = ?")
                .param(DuplicateRegistrationAttempted.class.getName()).query(Long.class).single();
    }

    /**
     * R-REG-4, no enumeration: registrations for 1,000 emails of existing users and 1,000 new
     * ones get identical status, body and headers; only Date and X-Correlation-Id differ, by
     * design. No user is created for an existing email. With the workflow, so that the new
     * ones wait rather than each creating an organization.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // only a hang: a slow machine takes a few minutes
    void T4_R_REG_4_registrations_for_1000_existing_and_1000_new_emails_are_answered_identically() throws Exception {
        settings(true, true);
        int count = 1000;
        String run = letters(6);
        List<String> existing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = "t4-" + run + "-old-" + i + "@visitor.example";
            existing.add(email);
            UserId id = UserId.random();
            givenEvent(id, new UserCreated(id, Username.of("t4-" + run + "-old-" + i), EmailAddress.of(email),
                    new PersonName("Existing", "User"), Language.ENGLISH, Role.DEVELOPER, List.of(),
                    UserSource.PORTAL, null, false));
        }
        long usersBefore = jdbc.sql("select count(*) from email_lookup").query(Long.class).single();
        long duplicatesBefore = duplicates();

        long started = System.nanoTime();
        int callers = 8;
        List<List<Api.Response>> slices = concurrently(callers, caller -> {
            List<Api.Response> answers = new ArrayList<>();
            for (int i = caller; i < 2 * count; i += callers) {
                String email = i < count ? existing.get(i) : "t4-" + run + "-new-" + i + "@visitor.example";
                answers.add(register(new Visitor("t4-" + run + "-v-" + i, email, "T4 " + run + " " + i)));
            }
            return answers;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        List<Api.Response> all = slices.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(2 * count);
        Api.Response reference = all.get(0);
        assertThat(reference.status()).isEqualTo(202);
        for (Api.Response answer : all) {
            assertThat(answer.status()).isEqualTo(reference.status());
            assertThat(answer.body()).isEqualTo(reference.body());
            assertThat(comparableHeaders(answer)).isEqualTo(comparableHeaders(reference));
            assertThat(answer.header("X-Correlation-Id")).isPresent();
            assertThat(answer.header("Location")).isEmpty();
        }
        assertThat(duplicates()).isEqualTo(duplicatesBefore + count);
        assertThat(jdbc.sql("select count(*) from email_lookup").query(Long.class).single()).isEqualTo(usersBefore);
        // how long they took is printed, not asserted: it depends on the machine and on what else
        // runs on it, and a bound tight enough to mean something breaks on a slow one; a hang is
        // caught by the @Timeout on this test
        System.out.printf("T4: %d registrations through HTTP (%d callers) in %d ms%n", 2 * count, callers,
                took.toMillis());
    }

    @Test
    void registration_figures_for_portal_admins_per_week_and_approval_times() {
        settings(true, true);
        Visitor visitor = Visitor.fresh();
        assertThat(register(visitor).status()).isEqualTo(202);
        String id = awaitRequest(visitor, "PENDING").get("id").asText();
        assertThat(api.post("/api/registrations/" + id + "/approve", "").token(admin).send().status()).isEqualTo(200);
        awaitRequest(visitor, "COMPLETED");

        Api.Response figures = api.get("/api/reports/registrations").token(admin).send();
        assertThat(figures.status()).as(figures.body()).isEqualTo(200);
        JsonNode thisWeek = figures.json().get("weeks").get(0);
        assertThat(thisWeek.get("submitted").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(thisWeek.get("approved").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(figures.json().get("approvalTimes").get("approved").asLong()).isGreaterThanOrEqualTo(1);
        // the percentiles are null while nothing was approved (asDouble() would read that as 0), and
        // a wait is never negative: what can fail is their presence, their order, and that the
        // request approved here waited a positive time (its approval came after it was seen pending)
        JsonNode times = figures.json().get("approvalTimes");
        for (String percentile : List.of("p50Seconds", "p90Seconds", "p99Seconds", "maxSeconds")) {
            assertThat(times.get(percentile).isNumber()).as(percentile + " in " + times).isTrue();
        }
        assertThat(times.get("p50Seconds").asDouble()).isLessThanOrEqualTo(times.get("p90Seconds").asDouble());
        assertThat(times.get("p90Seconds").asDouble()).isLessThanOrEqualTo(times.get("p99Seconds").asDouble());
        assertThat(times.get("p99Seconds").asDouble()).isLessThanOrEqualTo(times.get("maxSeconds").asDouble());
        assertThat(times.get("maxSeconds").asDouble()).isPositive();
        String orgAdmin = tokenFor(givenUser(Role.API_OWNER));
        assertThat(api.get("/api/reports/registrations").token(orgAdmin).send().status()).isEqualTo(403);
        UUID unused = UUID.randomUUID();
        assertThat(api.get("/api/registrations/" + unused).token(admin).send().status()).isEqualTo(404);
    }

    @Test
    void R_AUD_3_the_registrations_view_rebuilds_identical_and_the_process_is_no_read_model() {
        settings(true, true);
        Visitor visitor = Visitor.fresh();
        assertThat(register(visitor).status()).isEqualTo(202);
        awaitRequest(visitor, "PENDING");
        String checksum = "select coalesce(md5(string_agg(r::text, ',' order by registration_id)), '') from registration_view r";
        await().atMost(PROJECTION_DELAY).until(() -> api.get("/api/admin/projections/registrations").token(admin)
                .send().json().get("caughtUp").asBoolean());
        String before = jdbc.sql(checksum).query(String.class).single();
        jdbc.sql("update registration_view set first_name = 'tampered'").update();

        assertThat(api.post("/api/admin/projections/registrations/rebuild", "").token(admin).send().status())
                .isEqualTo(202);
        await().atMost(PROJECTION_DELAY).until(() -> before.equals(jdbc.sql(checksum).query(String.class).single()));
        assertThat(api.post("/api/admin/projections/" + "registration-process" + "/rebuild", "").token(admin).send()
                .status()).as("a process with side effects is not replayed").isEqualTo(404);
    }
}
