package io.portalusers.standalone;

import io.portalusers.api.UserId;
import io.portalusers.platform.embedded.LocalTokens;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No expired, superseded or foreign link is ever accepted, and nothing activates before
 * approval, as a jqwik stateful property: random lifecycles of two pending users
 * (resend, time passing on a controlled clock, past the deadline, email change, disable,
 * enable, activation with the right, a stale or the other user's token) against a model of
 * which link may work. After every step each link either user ever received is tried: the
 * service accepts exactly those the model says, and a link only ever opens its own user.
 * Runs on the HTTP tests' shared context (found through Spring's context cache) and its
 * real SMTP server: links are taken from the emails.
 */
class InvitationLifecycleTest {

    /** Only to find the HTTP tests' shared context: the same configuration, so the same cached context. */
    static class Shared extends ApiTest {
    }

    private static final String SETUP = "/api/account-setup/";
    private static Api api;
    private static String admin;
    private static MutableClock clock;
    private static Duration ttl;

    @BeforeContainer
    static void connect() throws Exception {
        ApplicationContext context = new TestContextManager(Shared.class).getTestContext().getApplicationContext();
        api = new Api(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
        admin = context.getBean(LocalTokens.class)
                .issue(UserId.of(context.getEnvironment().getRequiredProperty("portal.bootstrap-admin.id"))).token();
        clock = context.getBean(MutableClock.class);
        ttl = context.getEnvironment().getRequiredProperty("portal.invitations.ttl", Duration.class);
    }

    @AfterContainer
    static void resetClock() {
        if (clock != null) {
            clock.reset();
        }
    }

    /** A user as the model sees it: which of its links may work, and until when. */
    static final class User {
        final String id;
        final String username;
        String email;
        boolean enabled = true;
        boolean active;
        String validToken;
        Instant validUntil;
        final Map<String, Integer> emailsByAddress = new HashMap<>();

        User(String id, String username, String email) {
            this.id = id;
            this.username = username;
            this.email = email;
        }

        boolean accepts(String token, Instant now) {
            return token.equals(validToken) && now.isBefore(validUntil);
        }

        void voidLinks() {
            validToken = null;
            validUntil = null;
        }
    }

    /** Two users and every link they were sent. */
    static final class Portal {
        final List<User> users = new ArrayList<>();
        final Map<String, User> owners = new HashMap<>();

        User user(int index) {
            return users.get(index);
        }
    }

    @Property(tries = 12)
    void T1_no_expired_superseded_or_foreign_token_is_ever_accepted(@ForAll("lifecycles") ActionChain<Portal> chain) {
        chain.withInvariant("every link works exactly when the model says", InvitationLifecycleTest::linksAsModelled)
                .run();
    }

    @Provide
    Arbitrary<ActionChain<Portal>> lifecycles() {
        return ActionChain.startWith(InvitationLifecycleTest::twoUsers)
                .withAction(3, new Resend())
                .withAction(2, new TimePasses())
                .withAction(1, new DeadlinePasses())
                .withAction(1, new EmailChange())
                .withAction(1, new Disable())
                .withAction(1, new Enable())
                .withAction(2, new Activate())
                .withMaxTransformations(8);
    }

    private static Portal twoUsers() {
        Portal portal = new Portal();
        for (boolean notify : List.of(true, false)) {
            String username = "t1-" + UUID.randomUUID().toString().substring(0, 12);
            Api.Response created = api.post("/api/users", """
                    {"username": "%s", "email": "%s@example.com", "firstName": "Tee", "lastName": "One",
                     "role": "API_OWNER", "notify": %s}""".formatted(username, username, notify)).token(admin).send();
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            User user = new User(created.json().get("id").asText(), username, username + "@example.com");
            portal.users.add(user);
            if (notify) {
                received(portal, user);
            }
        }
        return portal;
    }

    /** The link of the next email to the user's address: now its one valid link. */
    private static void received(Portal portal, User user) {
        int count = user.emailsByAddress.merge(user.email, 1, Integer::sum);
        String token = ApiTest.MAIL.awaitToken(user.email, count);
        portal.owners.put(token, user);
        user.validToken = token;
        user.validUntil = clock.instant().plus(ttl).minusSeconds(5);
    }

    private static void linksAsModelled(Portal portal) {
        Instant now = clock.instant();
        for (Map.Entry<String, User> link : portal.owners.entrySet()) {
            User owner = link.getValue();
            Api.Response form = api.get(SETUP + link.getKey()).send();
            if (owner.accepts(link.getKey(), now)) {
                assertThat(form.status()).as("a valid link of %s", owner.username).isEqualTo(200);
                assertThat(form.json().get("username").asText()).as("a link opens its own user").isEqualTo(owner.username);
            } else {
                assertThat(form.status()).as("a void link of %s", owner.username).isEqualTo(404);
            }
        }
    }

    /** An action on one of the two users, chosen at random. */
    private abstract static class OnAUser implements Action.Independent<Portal> {

        @Override
        public Arbitrary<Transformer<Portal>> transformer() {
            return Arbitraries.integers().between(0, 1).map(index -> Transformer.mutate(
                    getClass().getSimpleName() + "(user " + index + ")", portal -> act(portal, portal.user(index))));
        }

        abstract void act(Portal portal, User user);
    }

    /** Resend Activation Email: a new link, every earlier one void; refused for disabled and active users. */
    static final class Resend extends OnAUser {
        @Override
        void act(Portal portal, User user) {
            Api.Response resent = api.post("/api/users/" + user.id + "/activation-email", "").token(admin).send();
            if (user.enabled && !user.active) {
                assertThat(resent.status()).as(resent.body()).isEqualTo(200);
                received(portal, user);
            } else {
                assertThat(resent.status()).as(resent.body()).isEqualTo(422);
            }
        }
    }

    /** Hours pass, short of a deadline or past it. */
    static final class TimePasses implements Action.Independent<Portal> {
        @Override
        public Arbitrary<Transformer<Portal>> transformer() {
            return Arbitraries.integers().between(1, 80).map(hours -> Transformer.mutate(
                    hours + " hours pass", portal -> clock.advance(Duration.ofHours(hours))));
        }
    }

    /** Exactly past the deadline of every link issued so far. */
    static final class DeadlinePasses implements Action.Independent<Portal> {
        @Override
        public Arbitrary<Transformer<Portal>> transformer() {
            return Arbitraries.just(Transformer.mutate("the deadline passes", portal -> clock.advance(ttl.plusSeconds(1))));
        }
    }

    /** A new email address voids the links sent to the old one. */
    static final class EmailChange extends OnAUser {
        @Override
        void act(Portal portal, User user) {
            String email = "t1-moved-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
            Api.Response changed = api.patch("/api/users/" + user.id, """
                    {"email": "%s"}""".formatted(email)).token(admin).send();
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            user.email = email;
            user.voidLinks();
        }
    }

    static final class Disable extends OnAUser {
        @Override
        void act(Portal portal, User user) {
            Api.Response disabled = api.post("/api/users/" + user.id + "/disable", "").token(admin).send();
            assertThat(disabled.status()).as("idempotent: " + disabled.body()).isEqualTo(200);
            user.enabled = false;
            user.voidLinks();
        }
    }

    /** Enabling again revives no link. */
    static final class Enable extends OnAUser {
        @Override
        void act(Portal portal, User user) {
            Api.Response enabled = api.post("/api/users/" + user.id + "/enable", "").token(admin).send();
            assertThat(enabled.status()).as("idempotent: " + enabled.body()).isEqualTo(200);
            user.enabled = true;
        }
    }

    /** Completing the form with a link the user received: the latest, or any earlier one. */
    static final class Activate implements Action.Independent<Portal> {
        @Override
        public Arbitrary<Transformer<Portal>> transformer() {
            return Arbitraries.integers().between(0, 1000).map(pick -> Transformer.mutate("activate with link " + pick,
                    portal -> {
                        if (portal.owners.isEmpty()) {
                            return;
                        }
                        List<String> links = new ArrayList<>(portal.owners.keySet());
                        String token = links.get(pick % links.size());
                        User owner = portal.owners.get(token);
                        boolean valid = owner.accepts(token, clock.instant());
                        Api.Response completed = api.post(SETUP + token, """
                                {"password": "t1 passphrase %s"}""".formatted(UUID.randomUUID())).send();
                        assertThat(completed.status()).as("activation with a %s link", valid ? "valid" : "void")
                                .isEqualTo(valid ? 200 : 404);
                        if (valid) {
                            owner.active = true;
                            owner.voidLinks();
                        }
                    }));
        }
    }
}
