package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No invitation email lost or sent twice: the mail server out of reach while invitations pile up, then back; and a
 * server that refuses a recipient for good. Its own database and its own SMTP port, which
 * these tests take down and hand to other servers.
 */
@AutoConfigureObservability(tracing = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifierFaultsTest extends OwnContextTest {

    private static final Mailbox MAIL = Mailbox.start();
    private static final int INVITATIONS = Integer.getInteger("f1.invitations", 1000);

    @DynamicPropertySource
    static void ownDatabaseAndMailServer(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "mail-faults");
        ApiTest.mailTo(MAIL, registry);
    }

    private Api api;
    private String admin;

    private void connect() {
        api = api();
        admin = adminToken();
    }

    private String invite(String username) {
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s@example.com", "firstName": "Fay", "lastName": "Ult",
                 "role": "API_OWNER", "notify": true}""".formatted(username, username)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private Map<String, Long> outbox() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql("select status, count(*) from mail_outbox group by status")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    @Test
    @Order(1)
    void F1_a_recipient_the_server_refuses_for_good_ends_failed_and_shows_so() throws Exception {
        connect();
        MAIL.down();
        String user;
        try (RefusingSmtpServer refusing = new RefusingSmtpServer(MAIL.port)) {
            user = invite("refused-" + System.nanoTime());
            await().atMost(Duration.ofSeconds(20)).until(() -> outbox().getOrDefault("FAILED", 0L) == 1);
        }
        MAIL.up();

        assertThat(jdbc.sql("select attempts, last_error from mail_outbox where user_id = ?::uuid").param(user)
                .query((rs, row) -> rs.getInt(1) + " " + rs.getString(2)).single())
                .as("no retry after a permanent refusal; no address in the error")
                .isEqualTo("1 SMTP 550 recipient refused");
        assertThat(jdbc.sql("select count(*) from invitation_outbox where user_id = ?::uuid").param(user)
                .query(Long.class).single()).as("an undeliverable token is not kept").isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(
                api.get("/api/users/" + user).token(admin).send().json().at("/invitation/delivery/status").asText()));
        assertThat(api.get("/actuator/prometheus").token(admin).send().body())
                .containsPattern("portal_mail_deliveries_total\\{[^}]*outcome=\"failed\"[^}]*} 1\\.0")
                .containsPattern("portal_mail_outbox\\{[^}]*status=\"FAILED\"[^}]*} 1\\.0");
    }

    @Test
    @Order(2)
    void F1_invitations_written_while_the_server_is_down_are_all_sent_once_it_is_back() throws Exception {
        connect();
        MAIL.down();
        String run = Long.toString(System.nanoTime(), 36);
        List<String> usernames = IntStream.range(0, INVITATIONS).mapToObj(i -> "f1-" + run + "-" + i).toList();

        long started = System.nanoTime();
        ApiTest.concurrently(4, t -> {
            for (int i = t; i < usernames.size(); i += 4) {
                invite(usernames.get(i));
            }
            return null;
        });
        System.out.printf("F1: %d invitations created in %d ms%n", INVITATIONS,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> outbox().getOrDefault("PENDING", 0L) == INVITATIONS);
        Thread.sleep(3_000);
        long downSeconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        int mostAttempts = jdbc.sql("select max(attempts) from mail_outbox where status = 'PENDING'")
                .query(Integer.class).single();
        long tried = jdbc.sql("select count(*) from mail_outbox where status = 'PENDING' and attempts > 0")
                .query(Long.class).single();
        // 200 ms doubling up to 2 s apart: a handful of tries per email, not one per 200 ms round
        assertThat(mostAttempts).as("attempts of one email in %d s down", downSeconds)
                .isBetween(2, (int) (downSeconds / 2) + 6);
        assertThat(tried).as("emails tried while the server was down").isPositive();
        assertThat(MAIL.to(usernames.get(0) + "@example.com")).isEmpty();

        MAIL.up();
        long back = System.nanoTime();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> outbox().getOrDefault("SENT", 0L) == INVITATIONS);
        System.out.printf("F1: %d emails delivered %d ms after the server came back (%d attempts at most while down)%n",
                INVITATIONS, Duration.ofNanos(System.nanoTime() - back).toMillis(), mostAttempts);
        for (String username : usernames) {
            assertThat(MAIL.to(username + "@example.com")).as(username).hasSize(1);
        }
        assertThat(outbox()).containsEntry("SENT", (long) INVITATIONS).doesNotContainKey("PENDING");
        assertThat(jdbc.sql("select count(*) from invitation_outbox").query(Long.class).single())
                .as("every raw token deleted once its email went").isZero();
    }

    /** The invitations report shows what the two tests above sent and failed. */
    @Test
    @Order(3)
    void the_invitations_report_counts_the_emails_sent_and_the_one_failed() {
        connect();
        JsonNode report = api.get("/api/reports/invitations").token(admin).send().json();
        assertThat(ReportsApiTest.invitationTotals(report))
                .isEqualTo("issued=%d sent=%d failed=1".formatted(INVITATIONS + 1, INVITATIONS));
        assertThat(report.get("pending").asLong()).isZero();
        assertThat(api.get("/api/reports/invitations?weeks=0").token(admin).send().status()).isEqualTo(400);
    }
}
