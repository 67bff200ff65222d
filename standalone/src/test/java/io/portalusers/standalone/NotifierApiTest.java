package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.query.notifier.MailDispatcher;
import jakarta.mail.internet.MimeMessage;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifier through the whole service: an invitation becomes an email on a real SMTP
 * server (GreenMail), in the user's language, with a link that opens the account setup
 * form; its delivery shows in the users view and the metrics; nothing is sent twice.
 */
class NotifierApiTest extends ApiTest {

    private static final String SETUP = "/api/account-setup/";

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private MailDispatcher dispatcher;

    private record Invited(String id, String email, String username) {
    }

    private Invited invite(String firstName, String language, boolean notify) {
        String username = "mail-" + letters(10);
        String email = username + "@example.com";
        ObjectNode body = new ObjectMapper().createObjectNode()
                .put("username", username).put("email", email).put("firstName", firstName)
                .put("lastName", "Tester").put("role", "API_OWNER").put("notify", notify);
        if (language != null) {
            body.put("language", language);
        }
        Api.Response created = api.post("/api/users", body.toString()).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Invited(created.json().get("id").asText(), email, username);
    }

    private JsonNode awaitView(String userId, Predicate<JsonNode> until) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Api.Response response = api.get("/api/users/" + userId).token(admin).send();
            seen[0] = response.status() == 200 ? response.json() : null;
            return seen[0] != null && until.test(seen[0]);
        });
        return seen[0];
    }

    private String invitationId(String userId) {
        return jdbc.sql("""
                        select invitation_id::text from invitation_lookup where user_id = ?::uuid
                        order by expires_at desc limit 1""")
                .param(userId).query(String.class).single();
    }

    @Test
    void R_ADD_7_the_activation_email_is_text_and_html_in_the_users_language_with_a_working_link() throws Exception {
        Invited user = invite("Jürgen <b>", "de-AT", true);

        MimeMessage email = MAIL.await(user.email(), 1).get(0);

        assertThat(email.getSubject()).isEqualTo("Aktivieren Sie Ihr Konto im API-Portal");
        assertThat(email.getFrom()[0].toString()).isEqualTo("API Portal <no-reply@portal.example>");
        assertThat(email.getHeader("Content-Language")).containsExactly("de");
        assertThat(email.getMessageID()).isEqualTo("<invitation." + invitationId(user.id()) + "@portal-users>");
        String text = Mailbox.part(email, "text/plain");
        String html = Mailbox.part(email, "text/html");
        assertThat(text).startsWith("Hallo Jürgen <b>,").contains("Ihr Benutzername ist " + user.username() + ".")
                .contains("gilt bis").contains(" UTC.");
        assertThat(html).contains("Hallo Jürgen &lt;b&gt;,").doesNotContain("<b>")
                .contains("<html lang=\"de\">");
        String token = Mailbox.token(email);
        // the standalone jar's default link: the console's account setup page, in the user's language
        assertThat(html).contains("/console/account-setup/" + token + "?lang=de\"");

        Api.Response form = api.get(SETUP + token).send();
        assertThat(form.status()).as(form.body()).isEqualTo(200);
        assertThat(form.json().get("username").asText()).isEqualTo(user.username());
    }

    @Test
    void languages_without_texts_fall_back_to_english_and_regional_variants_find_their_language() throws Exception {
        Invited portuguese = invite("Ana", "pt-BR", true);
        Invited canadian = invite("Luc", "fr-CA", true);
        Invited unset = invite("Ann", null, true);

        assertThat(MAIL.await(portuguese.email(), 1).get(0).getSubject()).isEqualTo("Activate your API Portal account");
        MimeMessage french = MAIL.await(canadian.email(), 1).get(0);
        assertThat(french.getSubject()).isEqualTo("Activez votre compte sur le portail API");
        assertThat(Mailbox.part(french, "text/plain")).contains("Votre nom d'utilisateur est " + canadian.username());
        assertThat(Mailbox.part(MAIL.await(unset.email(), 1).get(0), "text/plain"))
                .startsWith("Hello Ann,").contains("Your username is " + unset.username());
    }

    @Test
    void R_ACT_2_a_resend_sends_a_new_link_and_the_old_one_stops_working() throws Exception {
        Invited user = invite("Ada", "en", true);
        String first = MAIL.awaitToken(user.email(), 1);

        assertThat(api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send().status())
                .isEqualTo(200);

        List<MimeMessage> emails = MAIL.await(user.email(), 2);
        String second = Mailbox.token(emails.get(1));
        assertThat(second).isNotEqualTo(first);
        assertThat(emails.get(1).getMessageID()).isNotEqualTo(emails.get(0).getMessageID());
        assertThat(api.get(SETUP + first).send().status()).isEqualTo(404);
        assertThat(api.get(SETUP + second).send().status()).isEqualTo(200);
    }

    @Test
    void R_ADD_7_without_notify_no_email_goes_until_a_resend() {
        Invited user = invite("Quiet", "en", false);
        Invited witness = invite("Loud", "en", true);
        MAIL.await(witness.email(), 1);
        assertThat(MAIL.to(user.email())).isEmpty();

        assertThat(api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send().status())
                .isEqualTo(200);

        assertThat(MAIL.awaitToken(user.email(), 1)).isNotBlank();
    }

    @Test
    void the_users_view_shows_when_the_email_was_sent_and_the_token_is_gone_once_it_is() {
        Instant before = Instant.now();
        Invited user = invite("Grace", "en", true);
        MAIL.await(user.email(), 1);

        JsonNode view = awaitView(user.id(), v -> v.at("/invitation/delivery/status").asText().equals("SENT"));

        assertThat(view.get("activation").asText()).isEqualTo("PENDING");
        assertThat(view.at("/invitation/status").asText()).isEqualTo("ISSUED");
        assertThat(view.at("/invitation/delivery/attempts").asInt()).isEqualTo(1);
        assertThat(Instant.parse(view.at("/invitation/delivery/sentAt").asText())).isAfter(before);
        assertThat(jdbc.sql("select count(*) from invitation_outbox where user_id = ?::uuid").param(user.id())
                .query(Long.class).single()).as("the raw token, deleted once sent").isZero();
        JsonNode found = api.get("/api/users?email=" + user.email()).token(admin).send().json();
        assertThat(found.at("/items/0/invitation/delivery/status").asText()).isEqualTo("SENT");
    }

    @Test
    void trap_5_a_reset_notifier_and_a_rebuilt_users_view_send_no_email_again() {
        Invited user = invite("Replay", "en", true);
        MAIL.await(user.email(), 1);
        awaitView(user.id(), v -> v.at("/invitation/delivery/status").asText().equals("SENT"));

        assertThat(api.post("/api/admin/projections/notifier/rebuild", "").token(admin).send().status())
                .as("the notifier is not a read model").isEqualTo(404);
        assertThat(api.post("/api/admin/projections/users/rebuild", "").token(admin).send().status()).isEqualTo(202);
        StreamingEventProcessor notifier = processing.eventProcessor("notifier", StreamingEventProcessor.class)
                .orElseThrow();
        notifier.shutDown();
        notifier.resetTokens();
        notifier.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> notifier.processingStatus().size() == 4
                && notifier.processingStatus().values().stream().allMatch(s -> s.isCaughtUp()));
        awaitView(user.id(), v -> v.at("/invitation/delivery/status").asText().equals("SENT"));
        Invited after = invite("After", "en", true);
        MAIL.await(after.email(), 1);

        assertThat(MAIL.to(user.email())).hasSize(1);
        assertThat(jdbc.sql("select count(*) from mail_outbox where user_id = ?::uuid").param(user.id())
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void concurrent_dispatchers_send_each_email_once() throws Exception {
        // four threads create users while four others run dispatch rounds beside the scheduled one
        List<Invited> users = concurrently(8, i -> {
            List<Invited> created = new java.util.ArrayList<>();
            for (int round = 0; round < 30; round++) {
                if (i % 2 == 0) {
                    dispatcher.dispatch();
                } else if (round < 6) {
                    created.add(invite("Many", "en", true));
                }
            }
            return created;
        }).stream().flatMap(List::stream).toList();
        assertThat(users).hasSize(24);

        for (Invited user : users) {
            MAIL.await(user.email(), 1);
        }
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        for (Invited user : users) {
            assertThat(MAIL.to(user.email())).as(user.email()).hasSize(1);
        }
    }

    @Test
    void deliveries_show_in_the_metrics() {
        Invited user = invite("Metric", "en", true);
        MAIL.await(user.email(), 1);

        String metrics = api.get("/actuator/prometheus").token(admin).send().body();

        assertThat(metrics).containsPattern("portal_mail_deliveries_total\\{[^}]*kind=\"ACTIVATION\"[^}]*outcome=\"sent\"[^}]*} [1-9]");
        assertThat(metrics).contains("portal_mail_outbox{", "status=\"PENDING\"", "status=\"FAILED\"");
    }

    /**
     * A batch of 500 due emails: each goes out once and ends SENT. The time from their commit to
     * the last one recorded as sent is printed (NOTIFIER-THROUGHPUT) as the dispatcher's
     * throughput, two rounds, the second warm.
     */
    @Test
    void a_backlog_of_500_emails_goes_out_once_each() {
        for (int round = 1; round <= 2; round++) {
            String run = "throughput-" + letters(8);
            long started = System.nanoTime();
            // one statement, one commit: the dispatcher sees all 500 at once
            jdbc.sql("""
                            insert into mail_outbox (message_id, kind, recipient, language, params, next_attempt_at, created_at)
                            select '<' || ? || '.' || i || '@portal-users>', 'REGISTRATION_RECEIVED', ? || '.' || i || '@example.com',
                                   'en', '{"firstName":"Tim","lastName":"Ing","organizationName":"Load","username":"load"}'::jsonb,
                                   now(), now()
                            from generate_series(1, 500) i""")
                    .params(run, run).update();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.sql(
                            "select count(*) from mail_outbox where status = 'SENT' and message_id like ?")
                    .param("<" + run + ".%").query(Long.class).single() == 500);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            System.out.printf("NOTIFIER-THROUGHPUT: round %d, 500 emails sent and recorded in %d ms (%.0f emails/s)%n",
                    round, millis, 500_000.0 / millis);

            List<MimeMessage> received = MAIL.all().stream().filter(m -> {
                try {
                    return m.getMessageID().startsWith("<" + run + ".");
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(received).as("emails of the batch").hasSize(500);
            assertThat(received.stream().map(m -> {
                try {
                    return m.getMessageID();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).distinct().count()).as("distinct Message-IDs").isEqualTo(500);
        }
    }
}
