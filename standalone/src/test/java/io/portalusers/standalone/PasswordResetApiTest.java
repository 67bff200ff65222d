package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R-AUTH-4 through HTTP: forgot password (a reset link by email, following the rules of
 * activation links, and an answer that says nothing about the account) and change password
 * (with the current one). Both end the user's earlier sign-ins, and both are in the audit
 * record of passwords; no password, token or hash is in an event, another table or the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class PasswordResetApiTest extends ApiTest {

    private static final String RESETS = "/api/password-resets";
    /** Every raw token and password this class used: none may appear in the log of any of its tests. */
    private static final SecretsInLog LOGGED = new SecretsInLog();

    @Autowired
    private MutableClock clock;

    @AfterEach
    void keepLogAndClock(CapturedOutput output) {
        clock.reset();
        LOGGED.keep(output);
    }

    @AfterAll
    static void R_AUTH_4_no_raw_token_or_password_is_in_the_log_of_any_test_of_this_class() {
        LOGGED.assertNoneLogged();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String password() {
        String password = "Reset-" + unique() + "-passphrase";
        LOGGED.secret(password);
        return password;
    }

    record Account(String id, String username, String email, String password) {
    }

    /** A user the Portal Admin invites in {@code language}, who completes the account setup with a password. */
    private Account activeUser(String language) {
        Account pending = pendingUser(language, true);
        String token = MAIL.awaitToken(pending.email(), 1);
        LOGGED.secret(token);
        Api.Response activated = api.post("/api/account-setup/" + token, """
                {"password": "%s"}""".formatted(pending.password())).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return pending;
    }

    private Account pendingUser(String language, boolean notify) {
        String username = "reset-" + unique();
        String email = username + "@example.com";
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "Rita", "lastName": "Resetter", "role": "API_OWNER",
                 "language": "%s", "notify": %s}""".formatted(username, email, language, notify)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Account(created.json().get("id").asText(), username, email, password());
    }

    private Api.Response ask(String login) {
        return api.post(RESETS, """
                {"login": "%s"}""".formatted(login)).send();
    }

    /** Asks for a link for {@code account} and waits for it: the {@code count}th email to its address. */
    private String link(Account account, int count) {
        assertThat(ask(account.username()).status()).isEqualTo(202);
        String token = MAIL.awaitResetToken(account.email(), count);
        LOGGED.secret(token);
        return token;
    }

    private Api.Response form(String token) {
        return api.get(RESETS + "/" + token).send();
    }

    private Api.Response reset(String token, String password) {
        return api.post(RESETS + "/" + token, """
                {"password": "%s"}""".formatted(password)).send();
    }

    private Api.Response change(String token, String current, String next) {
        return api.post("/api/me/password", """
                {"currentPassword": "%s", "newPassword": "%s"}""".formatted(current, next)).token(token).send();
    }

    private static void assertInvalid(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("invalid-password-reset");
        assertThat(response.json().get("instance").asText()).isEqualTo(RESETS);
    }

    private OidcClient browser() {
        return new OidcClient(port);
    }

    private boolean signsIn(Account account, String password) throws Exception {
        return browser().signIn(account.username(), password).signedIn();
    }

    private long authorizationsOf(String userId) {
        return jdbc.sql("select count(*) from oauth2_authorization where principal_name = ?").param(userId)
                .query(Long.class).single();
    }

    private long resetEmailsTo(String userId) {
        return jdbc.sql("select count(*) from mail_outbox where user_id = ?::uuid and kind = 'PASSWORD_RESET'")
                .param(userId).query(Long.class).single();
    }

    /** The audit record of passwords about a user, oldest first, as a Portal Admin reads it: "EVENT OUTCOME" each. */
    private List<String> auditOf(String userId) {
        Api.Response read = api.get("/api/audit/passwords?size=100&user=" + userId).token(admin).send();
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        List<String> records = new ArrayList<>();
        for (JsonNode record : read.json().get("items")) {
            records.add(0, record.get("event").asText() + " " + record.get("outcome").asText());
        }
        return records;
    }

    // --- forgot password -------------------------------------------------------------------

    @Test
    void R_AUTH_4_a_forgotten_password_is_reset_through_the_emailed_link_in_the_users_language() throws Exception {
        Account user = activeUser("de");

        Api.Response asked = api.post(RESETS, """
                {"login": "%s"}""".formatted(user.email().toUpperCase())).header("User-Agent", "reset-test/1.0").send();

        assertThat(asked.status()).isEqualTo(202);
        MimeMessage email = MAIL.await(user.email(), 2).get(1);
        assertThat(email.getSubject()).isEqualTo("Setzen Sie Ihr Passwort für das API-Portal zurück");
        assertThat(email.getHeader("Content-Language")[0]).isEqualTo("de");
        assertThat(Mailbox.part(email, "text/plain")).contains("Hallo Rita", user.username(), "gilt bis");
        String token = Mailbox.resetToken(email);
        LOGGED.secret(token);

        // following the link shows when it ends and what a password must be; it consumes nothing
        Api.Response shown = form(token);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().has("expiresAt")).isTrue();
        assertThat(shown.json().get("minLength").asInt()).isEqualTo(12);
        assertThat(shown.body()).doesNotContain(user.email()).doesNotContain(user.id());
        assertThat(form(token).status()).isEqualTo(200);

        String chosen = password();
        Api.Response done = reset(token, chosen);

        assertThat(done.status()).as(done.body()).isEqualTo(204);
        assertThat(signsIn(user, chosen)).isTrue();
        assertThat(signsIn(user, user.password())).isFalse();
        assertThat(jdbc.sql("select password_hash from credential where user_id = ?::uuid").param(user.id())
                .query(String.class).single()).startsWith("$argon2id$");
        assertThat(auditOf(user.id())).containsExactly(
                "RESET_REQUESTED LINK_SENT", "RESET_COMPLETED SUCCEEDED", "SESSIONS_ENDED ENDED");
        JsonNode requested = api.get("/api/audit/passwords?event=RESET_REQUESTED&user=" + user.id()).token(admin)
                .send().json().get("items").get(0);
        assertThat(requested.get("client").asText()).isEqualTo("reset-test/1.0");
        assertThat(requested.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(requested.get("recordedAt").asText()).endsWith("Z");
        // no event: the account's state did not change
        assertThat(eventCount(user.id())).isEqualTo(3);
    }

    @Test
    void R_AUTH_4_a_link_works_by_username_and_in_english_and_french() {
        Account english = activeUser("en");
        Account french = activeUser("fr");

        assertThat(ask(english.username()).status()).isEqualTo(202);
        assertThat(ask(french.username()).status()).isEqualTo(202);

        assertThat(subject(MAIL.await(english.email(), 2).get(1))).isEqualTo("Reset your API Portal password");
        assertThat(subject(MAIL.await(french.email(), 2).get(1))).isEqualTo("Réinitialisez votre mot de passe du portail API");
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void R_AUTH_4_unknown_pending_disabled_and_idp_logins_get_the_answer_an_account_gets_and_no_email() {
        Account eligible = activeUser("en");
        Account pending = pendingUser("en", false);
        Account disabled = activeUser("en");
        assertThat(api.post("/api/users/" + disabled.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);
        Account idp = idpUserWithAPassword();
        String nobody = "nobody-" + unique() + "@example.com";

        Api.Response answer = ask(eligible.email());
        List<Api.Response> others = List.of(ask(nobody), ask("nobody-" + unique()), ask(pending.email()),
                ask(pending.username()), ask(disabled.email()), ask(idp.email()), ask(idp.username()));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(others).allSatisfy(other -> {
            assertThat(other.status()).isEqualTo(answer.status());
            assertThat(other.body()).isEqualTo(answer.body());
            assertThat(comparableHeaders(other)).isEqualTo(comparableHeaders(answer));
        });
        assertThat(answer.body()).doesNotContain(eligible.email());
        assertThat(resetEmailsTo(pending.id()) + resetEmailsTo(disabled.id()) + resetEmailsTo(idp.id())).isZero();
        // emails go out in the order they were written: once the eligible one arrived, none other is on its way
        MAIL.await(eligible.email(), 2);
        assertThat(MAIL.to(nobody)).isEmpty();
        assertThat(MAIL.to(pending.email())).isEmpty();
        assertThat(MAIL.to(disabled.email())).hasSize(1); // its activation email only
        assertThat(MAIL.to(idp.email())).isEmpty();
        // the audit record knows what the caller was not told, and never what an unknown caller typed
        assertThat(auditOf(pending.id())).containsExactly("RESET_REQUESTED NOT_ELIGIBLE", "RESET_REQUESTED NOT_ELIGIBLE");
        assertThat(auditOf(disabled.id())).containsExactly("RESET_REQUESTED NOT_ELIGIBLE");
        assertThat(auditOf(idp.id())).containsExactly("RESET_REQUESTED NOT_ELIGIBLE", "RESET_REQUESTED NOT_ELIGIBLE");
        assertThat(jdbc.sql("select count(*) from password_audit where outcome = 'UNKNOWN_LOGIN' and user_id is null")
                .query(Long.class).single()).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.sql("select count(*) from password_audit t where position(? in t::text) > 0").param(nobody)
                .query(Long.class).single()).isZero();
    }

    /** An IdP user to whom a password was given behind the service's back: its source still keeps it out. */
    private Account idpUserWithAPassword() {
        String password = password();
        IdpUser idp = idpUserWithPassword(password);
        return new Account(idp.id(), idp.username(), idp.email(), password);
    }

    @Test
    void R_AUTH_4_a_request_without_a_login_is_a_400_that_names_the_field() {
        Api.Response missing = api.post(RESETS, "{}").send();
        Api.Response blank = ask(" ");

        assertThat(List.of(missing, blank)).allSatisfy(refused -> {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).isEqualTo("invalid-request");
            assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("login");
        });
    }

    @Test
    void R_AUTH_4_a_link_works_once() throws Exception {
        Account user = activeUser("en");
        String token = link(user, 2);
        String first = password();

        assertThat(reset(token, first).status()).isEqualTo(204);

        assertInvalid(form(token));
        assertInvalid(reset(token, password()));
        assertThat(signsIn(user, first)).isTrue();
    }

    @Test
    void R_AUTH_4_forged_malformed_and_foreign_tokens_meet_one_answer() {
        List<Api.Response> answers = List.of(form("x".repeat(43)), reset("x".repeat(43), password()), form("short"),
                reset("a.b", password()), form(OidcClient.random(32)));

        assertThat(answers).allSatisfy(PasswordResetApiTest::assertInvalid);
        assertThat(answers.stream().map(a -> a.json().deepCopy()).map(json -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) json).remove("correlationId");
            return json.toString();
        }).distinct()).hasSize(1);
    }

    @Test
    void R_AUTH_4_a_refused_password_keeps_the_link_and_the_old_password() throws Exception {
        Account user = activeUser("en");
        String token = link(user, 2);

        Api.Response tooShort = reset(token, "short");
        Api.Response withUsername = reset(token, "my name is " + user.username());

        assertThat(List.of(tooShort, withUsername)).allSatisfy(refused -> {
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("password");
        });
        assertThat(signsIn(user, user.password())).isTrue();
        assertThat(reset(token, password()).status()).isEqualTo(204);
        assertThat(auditOf(user.id())).containsSubsequence("RESET_COMPLETED PASSWORD_REFUSED",
                "RESET_COMPLETED PASSWORD_REFUSED", "RESET_COMPLETED SUCCEEDED");
    }

    @Test
    void R_AUTH_4_a_newer_link_voids_the_earlier_one() {
        Account user = activeUser("en");
        String earlier = link(user, 2);

        String newer = link(user, 3);

        assertInvalid(form(earlier));
        assertInvalid(reset(earlier, password()));
        assertThat(reset(newer, password()).status()).isEqualTo(204);
    }

    @Test
    void R_AUTH_4_disabling_the_user_voids_its_link_for_good() {
        Account user = activeUser("en");
        String token = link(user, 2);

        assertThat(api.post("/api/users/" + user.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);
        assertInvalid(form(token));
        assertThat(api.post("/api/users/" + user.id() + "/enable", "").token(admin).send().status()).isEqualTo(200);

        assertInvalid(form(token));
        assertInvalid(reset(token, password()));
    }

    @Test
    void R_AUTH_4_an_email_change_voids_the_link_and_the_next_goes_to_the_new_address() {
        Account user = activeUser("en");
        String token = link(user, 2);
        String moved = "moved-" + unique() + "@example.com";

        Api.Response changed = api.patch("/api/users/" + user.id(), """
                {"email": "%s"}""".formatted(moved)).token(admin)
                .header("If-Match", "\"" + (eventCount(user.id()) - 1) + "\"").send();

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertInvalid(form(token));
        assertInvalid(reset(token, password()));
        // asked for by the new address, once the notifier knows it; the old address gets nothing more
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
            ask(moved);
            return resetEmailsTo(user.id()) >= 2;
        });
        String next = MAIL.awaitResetToken(moved, 1);
        LOGGED.secret(next);
        assertThat(reset(next, password()).status()).isEqualTo(204);
        assertThat(MAIL.to(user.email())).hasSize(2);
    }

    @Test
    void R_AUTH_4_a_link_expires_after_its_time() {
        Account user = activeUser("en");
        String token = link(user, 2);

        clock.advance(Duration.ofMinutes(59));
        assertThat(form(token).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));

        assertInvalid(form(token));
        assertInvalid(reset(token, password()));
    }

    @Test
    void R_AUTH_4_twenty_parallel_posts_of_one_link_reset_exactly_once() throws Exception {
        Account user = activeUser("en");
        String token = link(user, 2);
        List<String> passwords = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            passwords.add(password());
        }

        long invalidBefore = invalidLinkRecords();

        List<Integer> statuses = concurrently(20, i -> reset(token, passwords.get(i)).status());

        assertThat(statuses).filteredOn(s -> s == 204).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 404).hasSize(19);
        String winner = passwords.get(statuses.indexOf(204));
        assertThat(signsIn(user, winner)).isTrue();
        assertThat(auditOf(user.id())).filteredOn(r -> r.equals("RESET_COMPLETED SUCCEEDED")).hasSize(1);
        // a link that opened nothing names no user
        assertThat(invalidLinkRecords() - invalidBefore).isEqualTo(19);
    }

    private long invalidLinkRecords() {
        return jdbc.sql("select count(*) from password_audit where outcome = 'INVALID_LINK' and user_id is null")
                .query(Long.class).single();
    }

    @Test
    void R_AUTH_4_a_reset_ends_every_sign_in_session_and_authorization_of_the_user() throws Exception {
        Account user = activeUser("en");
        OidcClient laptop = browser();
        OidcClient phone = browser();
        assertThat(laptop.signIn(user.username(), user.password()).signedIn()).isTrue();
        OidcClient.Outcome onPhone = phone.signIn(user.email(), user.password());
        assertThat(onPhone.signedIn()).isTrue();
        assertThat(authorizationsOf(user.id())).isEqualTo(2);
        assertThat(laptop.stillSignedIn()).isTrue();

        assertThat(reset(link(user, 2), password()).status()).isEqualTo(204);

        assertThat(authorizationsOf(user.id())).isZero();
        assertThat(laptop.stillSignedIn()).isFalse();
        assertThat(phone.stillSignedIn()).isFalse();
        assertThat(phone.refresh(onPhone.tokens().get("refresh_token").asText()).statusCode())
                .as("the refresh token issued before the reset").isEqualTo(400);
        assertThat(auditOf(user.id())).contains("SESSIONS_ENDED ENDED");
        assertThat(jdbc.sql("select ended_authorizations from password_audit where user_id = ?::uuid and event = 'SESSIONS_ENDED'")
                .param(user.id()).query(Integer.class).single()).isEqualTo(3); // two sign-ins, and the laptop's code without a password
    }

    // --- change password -------------------------------------------------------------------

    @Test
    void R_AUTH_4_changing_the_password_needs_the_current_one_and_follows_the_policy() throws Exception {
        Account user = activeUser("en");
        String token = browser().signIn(user.username(), user.password()).accessToken();
        String next = password();

        Api.Response wrong = change(token, user.password() + "x", next);
        Api.Response missing = api.post("/api/me/password", """
                {"newPassword": "%s"}""".formatted(next)).token(token).send();
        Api.Response common = change(token, user.password(), "123456789012");

        assertThat(List.of(wrong, missing)).allSatisfy(refused -> {
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("code").asText()).isEqualTo("R-AUTH-4");
            assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("currentPassword");
        });
        assertThat(common.status()).isEqualTo(400);
        assertThat(common.json().at("/errors/0/field").asText()).isEqualTo("newPassword");
        assertThat(signsIn(user, user.password())).isTrue();

        assertThat(change(token, user.password(), next).status()).isEqualTo(204);

        assertThat(signsIn(user, next)).isTrue();
        assertThat(signsIn(user, user.password())).isFalse();
        assertThat(auditOf(user.id())).containsExactly("PASSWORD_CHANGED WRONG_CURRENT_PASSWORD",
                "PASSWORD_CHANGED WRONG_CURRENT_PASSWORD", "PASSWORD_CHANGED PASSWORD_REFUSED",
                "PASSWORD_CHANGED SUCCEEDED", "SESSIONS_ENDED ENDED");
        assertThat(eventCount(user.id())).isEqualTo(3);
    }

    @Test
    void R_AUTH_4_an_account_without_a_password_here_has_none_to_change() {
        Account idp = idpUserWithAPassword();

        Api.Response refused = change(tokenFor(io.portalusers.api.UserId.of(idp.id())), idp.password(), password());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-AUTH-4");
        assertThat(auditOf(idp.id())).containsExactly("PASSWORD_CHANGED NO_LOCAL_PASSWORD");
    }

    @Test
    void R_AUTH_4_changing_the_password_ends_the_other_sign_ins_and_keeps_the_callers_token() throws Exception {
        Account user = activeUser("en");
        OidcClient laptop = browser();
        OidcClient phone = browser();
        OidcClient.Outcome onLaptop = laptop.signIn(user.username(), user.password());
        assertThat(phone.signIn(user.username(), user.password()).signedIn()).isTrue();
        String requestLink = link(user, 2);

        assertThat(change(onLaptop.accessToken(), user.password(), password()).status()).isEqualTo(204);

        // the laptop's authorization (its tokens) stays; the phone's is gone; no browser gets a code without the password
        assertThat(authorizationsOf(user.id())).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from oauth2_authorization where principal_name = ? and access_token_value = ?")
                .params(user.id(), onLaptop.accessToken()).query(Long.class).single()).isEqualTo(1);
        assertThat(phone.stillSignedIn()).isFalse();
        assertThat(laptop.stillSignedIn()).isFalse();
        // the query side shows a new user a moment after it was created
        await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                api.get("/api/users/" + user.id()).token(onLaptop.accessToken()).send().status()).isEqualTo(200));
        // a reset link asked for before the change is void
        assertInvalid(form(requestLink));
    }

    // --- the audit record and secrets -------------------------------------------------------

    @Test
    void R_AUD_1_auditors_read_the_record_of_passwords_and_nobody_else() {
        Account user = activeUser("en");
        assertThat(ask(user.username()).status()).isEqualTo(202);
        String auditor = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();

        Api.Response read = api.get("/api/audit/passwords?user=" + user.id()).token(auditor).send();
        Api.Response byTheUser = api.get("/api/audit/passwords").token(tokenFor(io.portalusers.api.UserId.of(user.id())))
                .send();

        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("total").asLong()).isEqualTo(1);
        assertThat(StreamSupport.stream(read.json().get("items").spliterator(), false)
                .map(r -> r.get("outcome").asText())).containsExactly("LINK_SENT");
        assertThat(byTheUser.status()).isEqualTo(403);
        assertThat(byTheUser.json().get("code").asText()).isEqualTo("R-AUD-1");
    }

    @Test
    void R_AUTH_4_no_token_password_or_hash_is_in_an_event_another_table_or_the_log(CapturedOutput output)
            throws Exception {
        Account user = activeUser("en");
        String token = link(user, 2);
        String chosen = password();
        assertThat(reset(token, "short").status()).isEqualTo(400);
        assertThat(reset(token, chosen).status()).isEqualTo(204);
        String signedIn = browser().signIn(user.username(), chosen).accessToken();
        String changed = password();
        assertThat(change(signedIn, user.password(), changed).status()).isEqualTo(422);
        assertThat(change(signedIn, chosen, changed).status()).isEqualTo(204);
        String hash = jdbc.sql("select password_hash from credential where user_id = ?::uuid").param(user.id())
                .query(String.class).single();
        // the link's token waited beside its email only until the email was sent
        assertThat(jdbc.sql("select count(*) from mail_link_token where user_id = ?::uuid").param(user.id())
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from password_reset where user_id = ?::uuid").param(user.id())
                .query(Long.class).single()).isZero();

        List<String> tables = jdbc.sql("""
                        select table_name from information_schema.tables
                        where table_schema = current_schema() and table_type = 'BASE TABLE'
                          and table_name <> 'credential'""")
                .query(String.class).list();
        assertThat(tables).contains("domainevententry", "password_audit", "password_reset", "mail_outbox",
                "mail_link_token");
        List<String> secrets = new ArrayList<>(List.of(token, chosen, changed, user.password(), hash, "$argon2",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)))));
        assertStoredNowhere(secrets, tables);
        for (String secret : secrets) {
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }
}
