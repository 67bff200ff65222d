package io.portalusers.standalone;

import io.portalusers.platform.embedded.LocalTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The embedded default keeps its data in its folder: a restart finds everything as it was. */
class RestartTest {

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start(String... settings) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--portal.embedded.data-dir=" + dataDir));
        args.addAll(List.of(settings));
        return new SpringApplicationBuilder(PortalUsersApplication.class).run(args.toArray(String[]::new));
    }

    private static Api api(ConfigurableApplicationContext context) {
        return new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    private static long bootstrapAdminCreations(ConfigurableApplicationContext context) {
        return context.getBean(JdbcClient.class).sql("""
                        select count(*) from domainevententry
                        where aggregateidentifier = ? and payloadtype = 'io.portalusers.api.user.UserCreated'""")
                .param(BOOTSTRAP_ADMIN).query(Long.class).single();
    }

    @Test
    void R_SET_2_a_restart_on_the_same_data_keeps_the_state_and_creates_no_second_admin() {
        String token;
        String organization;
        try (ConfigurableApplicationContext first = start()) {
            token = first.getBean(LocalTokens.class).issue(io.portalusers.api.UserId.of(BOOTSTRAP_ADMIN)).token();
            Api.Response created = api(first).post("/api/organizations", """
                    {"name": "Survivor Inc", "accountPlan": "Gold"}""").token(token).send();
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            organization = created.json().get("id").asText();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> api(first).get("/api/organizations/" + organization).token(token).send().status() == 200);
            assertThat(bootstrapAdminCreations(first)).isEqualTo(1);
        }

        try (ConfigurableApplicationContext second = start()) {
            Api api = api(second);
            assertThat(bootstrapAdminCreations(second)).isEqualTo(1);
            Api.Response survivor = api.get("/api/organizations/" + organization).token(token).send();
            assertThat(survivor.status()).as("the token signed before the restart still verifies").isEqualTo(200);
            assertThat(survivor.json().get("name").asText()).isEqualTo("Survivor Inc");
            assertThat(api.post("/api/organizations", """
                    {"name": "SURVIVOR INC", "accountPlan": "Gold"}""").token(token).send().status()).isEqualTo(409);
        }
    }

    @Test
    void R_SET_2_the_first_start_shows_a_one_time_setup_link_with_which_the_bootstrap_admin_signs_in() throws Exception {
        try (ConfigurableApplicationContext first = start()) {
            Path file = dataDir.resolve("admin-setup.link");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
            String link = Files.readString(file).strip();
            // the console's account setup page, in the admin's language; the page completes the setup through the API
            assertThat(link).matches("http://localhost:\\d+/console/account-setup/[A-Za-z0-9_-]{43}\\?lang=en");
            String path = "/api/account-setup/" + link.substring(link.lastIndexOf('/') + 1, link.indexOf('?'));
            Api api = api(first);

            Api.Response set = api.post(path, """
                    {"password": "the first keeper's own passphrase"}""").send();

            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(api.post(path, """
                    {"password": "someone else's passphrase"}""").send().status()).as("the link works once").isEqualTo(404);
            OidcClient.Outcome signedIn = new OidcClient(Integer.parseInt(first.getEnvironment().getProperty("local.server.port")))
                    .signIn("admin", "the first keeper's own passphrase");
            assertThat(signedIn.signedIn()).as(signedIn.location()).isTrue();
            assertThat(api.get("/api/settings").token(signedIn.accessToken()).send().status()).isEqualTo(200);
        }
    }

    @Test
    void the_embedded_default_commits_to_disk_so_a_power_cut_loses_no_acknowledged_command() {
        try (ConfigurableApplicationContext running = start()) {
            JdbcClient jdbc = running.getBean(JdbcClient.class);

            assertThat(jdbc.sql("show fsync").query(String.class).single()).isEqualTo("on");
            assertThat(jdbc.sql("show synchronous_commit").query(String.class).single()).isEqualTo("on");
            assertThat(jdbc.sql("show full_page_writes").query(String.class).single()).isEqualTo("on");
        }
    }

    @Test
    void the_embedded_postgresql_takes_its_server_settings_from_the_configuration_with_a_buffer_cache_for_a_large_view() {
        try (ConfigurableApplicationContext running = start()) {
            JdbcClient jdbc = running.getBean(JdbcClient.class);
            assertThat(jdbc.sql("show shared_buffers").query(String.class).single()).as("the default").isEqualTo("1GB");
            assertThat(jdbc.sql("show work_mem").query(String.class).single()).as("PostgreSQL's own").isEqualTo("4MB");
        }
        try (ConfigurableApplicationContext running = start("--portal.embedded.postgres.work-mem=16MB",
                "--portal.embedded.postgres.shared-buffers=256MB")) {
            JdbcClient jdbc = running.getBean(JdbcClient.class);
            assertThat(jdbc.sql("show work_mem").query(String.class).single()).isEqualTo("16MB");
            assertThat(jdbc.sql("show shared_buffers").query(String.class).single()).isEqualTo("256MB");
        }
    }

    private List<Path> emailsTo(String address) throws IOException {
        List<Path> to = new java.util.ArrayList<>();
        for (Path email : emails()) {
            if (Files.readString(email).contains("To: " + address)) {
                to.add(email);
            }
        }
        return to;
    }

    private List<Path> emails() throws IOException {
        Path folder = dataDir.resolve("mail");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".eml")).toList();
        }
    }

    @Test
    void the_embedded_default_writes_emails_to_its_mail_folder_and_a_restart_sends_none_again() throws Exception {
        String user;
        try (ConfigurableApplicationContext first = start()) {
            String token = first.getBean(LocalTokens.class).issue(io.portalusers.api.UserId.of(BOOTSTRAP_ADMIN)).token();
            Api.Response created = api(first).post("/api/users", """
                    {"username": "mailed", "email": "mailed@example.com", "firstName": "Mai", "lastName": "Led",
                     "role": "API_OWNER", "notify": true}""").token(token).send();
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            user = created.json().get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> emailsTo("mailed@example.com").size() == 1);

            String email = Files.readString(emailsTo("mailed@example.com").get(0));
            assertThat(email).contains("To: mailed@example.com", "Subject: Activate your API Portal account");
            Matcher link = Pattern.compile("http://\\S+/console/account-setup/([A-Za-z0-9_-]{43})\\?lang=en\\r?\\n").matcher(email);
            assertThat(link.find()).as("the link whole on its line").isTrue();
            assertThat(api(first).get("/api/account-setup/" + link.group(1)).send().status()).isEqualTo(200);
        }

        try (ConfigurableApplicationContext second = start()) {
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(emails()).as("the bootstrap admin's invitation and Mai's, each once").hasSize(2);
            assertThat(jdbc.sql("select status from mail_outbox where user_id = ?::uuid").param(user)
                    .query(String.class).list()).containsExactly("SENT");
        }
    }
}
