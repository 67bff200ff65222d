package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The users projection and {@code GET /api/users/{id}}, driven by events appended to the real event store. */
class UsersViewApiTest extends ApiTest {

    private static final Duration PROJECTION_DELAY = Duration.ofSeconds(10);

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private EventStore eventStore;


    private UserCreated created(UserId id, Role role, UserSource source, SchemeId scheme, Membership... memberships) {
        String unique = id.toString().substring(0, 13);
        return new UserCreated(id, Username.of("ada-" + unique), EmailAddress.of("ada." + unique + "@example.com"),
                new PersonName("Ada", "Lovelace"), Language.of("fr"), role, List.of(memberships), source, scheme, true);
    }

    private Api.Response read(UserId user, String token) {
        return api.get("/api/users/" + user).token(token).send();
    }

    /** The user as the admin reads it, once the view has caught up with {@code version}. */
    private JsonNode awaitVersion(UserId user, long version) {
        return awaitAdminRead(user, json -> json.get("version").asLong() >= version).json();
    }

    private Api.Response awaitAdminRead(UserId user, Predicate<JsonNode> until) {
        return await().atMost(PROJECTION_DELAY).until(() -> read(user, admin),
                response -> response.status() == 200 && until.test(response.json()));
    }

    private static List<String> organizationIds(JsonNode user) {
        List<String> ids = new ArrayList<>();
        user.get("memberships").forEach(m -> ids.add(m.get("organizationId").asText()));
        return ids;
    }

    /** PostgreSQL orders uuids as unsigned bytes, which is the order of their lower-case text. */
    private static List<String> sorted(OrganizationId... organizations) {
        List<String> ids = new ArrayList<>(Stream.of(organizations).map(OrganizationId::toString).toList());
        Collections.sort(ids);
        return ids;
    }

    @Test
    void R_ADD_7_a_created_user_is_viewed_pending_activation_and_enabled_at_version_0() {
        OrganizationId first = givenOrganization();
        OrganizationId second = givenOrganization();
        UserId id = UserId.random();
        UserCreated created = created(id, Role.DEVELOPER, UserSource.PORTAL, null,
                new Membership(first, Role.DEVELOPER), new Membership(second, Role.DEVELOPER));
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        givenEvent(id, created);

        Api.Response response = awaitAdminRead(id, json -> true);
        JsonNode user = response.json();
        assertThat(response.header("ETag")).contains("\"0\"");
        assertThat(user.get("id").asText()).isEqualTo(id.toString());
        assertThat(user.get("username").asText()).isEqualTo(created.username().value());
        assertThat(user.get("email").asText()).isEqualTo(created.email().value());
        assertThat(user.get("firstName").asText()).isEqualTo("Ada");
        assertThat(user.get("lastName").asText()).isEqualTo("Lovelace");
        assertThat(user.get("language").asText()).isEqualTo("fr");
        assertThat(user.get("category").asText()).isEqualTo("ORG_USER");
        assertThat(user.get("role").asText()).isEqualTo("DEVELOPER");
        assertThat(organizationIds(user)).isEqualTo(sorted(first, second));
        assertThat(user.at("/memberships/0/role").asText()).isEqualTo("DEVELOPER");
        assertThat(user.get("enabled").asBoolean()).isTrue();
        assertThat(user.get("activation").asText()).isEqualTo("PENDING");
        assertThat(user.get("source").asText()).isEqualTo("PORTAL");
        assertThat(user.get("schemeId").isNull()).isTrue();
        assertThat(Instant.parse(user.get("createdAt").asText())).isBetween(before, Instant.now());
        assertThat(user.get("updatedAt").asText()).isEqualTo(user.get("createdAt").asText());
        assertThat(user.get("version").asLong()).isZero();
    }

    @Test
    void an_external_idp_publisher_is_viewed_with_its_source_and_scheme() {
        UserId id = UserId.random();
        SchemeId scheme = SchemeId.random();

        givenEvent(id, created(id, Role.API_OWNER, UserSource.IDP, scheme));

        JsonNode user = awaitVersion(id, 0);
        assertThat(user.get("category").asText()).isEqualTo("GLOBAL_PUBLISHER");
        assertThat(user.get("role").asText()).isEqualTo("API_OWNER");
        assertThat(user.get("memberships").isEmpty()).isTrue();
        assertThat(user.get("source").asText()).isEqualTo("IDP");
        assertThat(user.get("schemeId").asText()).isEqualTo(scheme.toString());
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                change(id -> new UserNameChanged(id, new PersonName("Grace", "Hopper")), "lastName", id -> "Hopper"),
                change(id -> new UserEmailChanged(id, EmailAddress.of("grace." + id + "@example.org")), "email",
                        id -> "grace." + id + "@example.org"),
                change(id -> new UserLanguageChanged(id, Language.of("de-CH")), "language", id -> "de-CH"),
                change(id -> new AccountRoleChanged(id, Role.PORTAL_ADMIN), "role", id -> "PORTAL_ADMIN"),
                change(UserDisabled::new, "enabled", id -> "false"));
    }

    private static Arguments change(Function<UserId, Object> event, String field, Function<UserId, String> expected) {
        return Arguments.of(event, field, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("changes")
    void R_EDIT_2_each_change_event_changes_its_field_and_takes_the_event_sequence_number_as_version(
            Function<UserId, Object> change, String field, Function<UserId, String> expected) {
        UserId id = givenUser(Role.API_OWNER);
        JsonNode before = awaitVersion(id, 0);

        long sequence = givenEvent(id, change.apply(id));

        Api.Response response = awaitAdminRead(id, json -> json.get("version").asLong() == sequence);
        JsonNode after = response.json();
        assertThat(after.get(field).asText()).isEqualTo(expected.apply(id));
        assertThat(after.get(field)).isNotEqualTo(before.get(field));
        assertThat(response.header("ETag")).contains("\"" + sequence + "\"");
        assertThat(after.get("createdAt")).isEqualTo(before.get("createdAt"));
        assertThat(Instant.parse(after.get("updatedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(before.get("updatedAt").asText()));
    }

    @Test
    void R_SEARCH_1_a_name_change_keeps_the_full_name_first_last() {
        UserId id = givenUser(Role.DEVELOPER, new Membership(givenOrganization(), Role.DEVELOPER));

        givenEvent(id, new UserNameChanged(id, new PersonName("Grace", "Hopper")));

        JsonNode user = awaitVersion(id, 1);
        assertThat(user.get("firstName").asText()).isEqualTo("Grace");
        String fullName = jdbc.sql("select full_name from user_view where user_id = ?")
                .param(id.value()).query(String.class).single();
        assertThat(fullName).isEqualTo("Grace Hopper");
    }

    @Test
    void R_EDIT_2_memberships_changed_replaces_the_whole_set() {
        OrganizationId kept = givenOrganization();
        OrganizationId dropped = givenOrganization();
        OrganizationId added = givenOrganization();
        UserId id = givenUser(Role.DEVELOPER,
                new Membership(kept, Role.DEVELOPER), new Membership(dropped, Role.DEVELOPER));

        givenEvent(id, new MembershipsChanged(id, List.of(
                new Membership(added, Role.DEVELOPER), new Membership(kept, Role.DEVELOPER))));

        JsonNode user = awaitVersion(id, 1);
        assertThat(organizationIds(user)).isEqualTo(sorted(kept, added));
    }

    @Test
    void R_STATE_1_a_disabled_user_enabled_again_is_enabled() {
        UserId id = givenUser(Role.API_OWNER);
        givenEvent(id, new UserDisabled(id));
        assertThat(awaitVersion(id, 1).get("enabled").asBoolean()).isFalse();

        givenEvent(id, new UserEnabled(id));

        JsonNode user = awaitVersion(id, 2);
        assertThat(user.get("enabled").asBoolean()).isTrue();
        assertThat(user.get("activation").asText()).isEqualTo("PENDING");
    }

    @Test
    void the_version_and_etag_follow_the_sequence_number_of_the_last_event() {
        UserId id = givenUser(Role.API_OWNER);
        givenEvent(id, new UserLanguageChanged(id, Language.of("de")));
        givenEvent(id, new AccountRoleChanged(id, Role.PORTAL_ADMIN));
        long last = givenEvent(id, new UserLanguageChanged(id, Language.of("it")));

        JsonNode user = awaitVersion(id, last);

        assertThat(last).isEqualTo(3);
        assertThat(user.get("version").asLong()).isEqualTo(3);
        assertThat(user.get("language").asText()).isEqualTo("it");
        assertThat(read(id, admin).header("ETag")).contains("\"3\"");
    }

    @Test
    void older_events_delivered_again_after_newer_ones_change_nothing() {
        OrganizationId first = givenOrganization();
        OrganizationId second = givenOrganization();
        OrganizationId third = givenOrganization();
        UserId id = givenUser(Role.DEVELOPER, new Membership(first, Role.DEVELOPER));
        givenEvent(id, new UserNameChanged(id, new PersonName("Old", "Name")));
        givenEvent(id, new MembershipsChanged(id, List.of(new Membership(second, Role.DEVELOPER))));
        givenEvent(id, new UserDisabled(id));
        givenEvent(id, new UserNameChanged(id, new PersonName("New", "Name")));
        givenEvent(id, new MembershipsChanged(id, List.of(new Membership(third, Role.DEVELOPER))));
        JsonNode current = awaitVersion(id, 5);
        List<DomainEventMessage<?>> older = new ArrayList<>(eventStore.readEvents(id.toString()).asStream()
                .filter(event -> event.getSequenceNumber() < 5).toList());
        Collections.reverse(older);

        // A claim stolen after its timeout hands events to a second worker, so an event can be delivered twice:
        // the stored events reach the projection again, newest first, after the view has them all.
        var users = processing.eventProcessor("users", AbstractEventProcessor.class).orElseThrow();
        for (DomainEventMessage<?> event : older) {
            deliver(users, event);
        }

        Api.Response again = read(id, admin);
        assertThat(again.json()).isEqualTo(current);
        assertThat(again.json().get("firstName").asText()).isEqualTo("New");
        assertThat(again.json().get("enabled").asBoolean()).isFalse();
        assertThat(organizationIds(again.json())).containsExactly(third.toString());
        assertThat(again.header("ETag")).contains("\"5\"");
    }

    private static void deliver(AbstractEventProcessor processor, DomainEventMessage<?> event) {
        try {
            processor.eventHandlerInvoker().handle(event, Segment.ROOT_SEGMENT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void R_AUD_3_resetting_the_users_processor_rebuilds_a_damaged_view_from_the_event_log() {
        OrganizationId organization = givenOrganization();
        UserId id = givenUser(Role.DEVELOPER, new Membership(organization, Role.DEVELOPER));
        givenEvent(id, new UserNameChanged(id, new PersonName("Grace", "Hopper")));
        JsonNode projected = awaitVersion(id, 1);
        jdbc.sql("update user_view set first_name = 'damaged', version = 99 where user_id = ?").param(id.value()).update();
        jdbc.sql("delete from user_membership_view where user_id = ?").param(id.value()).update();

        var users = processing.eventProcessor("users", PooledStreamingEventProcessor.class).orElseThrow();
        users.shutDown();
        users.resetTokens();
        users.start();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(read(id, admin).json()).isEqualTo(projected));
    }

    @Test
    void R_SEARCH_4_a_portal_admin_reads_every_user() {
        UserId publisher = givenUser(Role.API_OWNER);
        UserId developer = givenUser(Role.DEVELOPER, new Membership(givenOrganization(), Role.DEVELOPER));

        assertThat(awaitVersion(publisher, 0).get("id").asText()).isEqualTo(publisher.toString());
        assertThat(awaitVersion(developer, 0).get("id").asText()).isEqualTo(developer.toString());
    }

    @Test
    void R_SEARCH_4_an_org_admin_reads_the_users_of_an_organization_it_administers_and_no_other() {
        OrganizationId administered = givenOrganization();
        OrganizationId other = givenOrganization();
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(administered, Role.ORG_ADMIN)));
        UserId inBoth = givenUser(Role.DEVELOPER,
                new Membership(administered, Role.DEVELOPER), new Membership(other, Role.DEVELOPER));
        UserId outside = givenUser(Role.DEVELOPER, new Membership(other, Role.DEVELOPER));
        UserId publisher = givenUser(Role.API_OWNER);
        awaitVersion(inBoth, 0);
        awaitVersion(outside, 0);
        awaitVersion(publisher, 0);

        Api.Response visible = read(inBoth, orgAdmin);

        assertThat(visible.status()).isEqualTo(200);
        assertThat(visible.json().get("id").asText()).isEqualTo(inBoth.toString());
        assertThat(read(outside, orgAdmin).status()).isEqualTo(404);
        assertThat(read(publisher, orgAdmin).status()).isEqualTo(404);
    }

    @Test
    void R_SEARCH_4_an_org_admin_no_longer_reads_a_developer_moved_out_of_its_givenOrganization() {
        OrganizationId administered = givenOrganization();
        OrganizationId other = givenOrganization();
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(administered, Role.ORG_ADMIN)));
        UserId developer = givenUser(Role.DEVELOPER, new Membership(administered, Role.DEVELOPER));
        awaitVersion(developer, 0);
        assertThat(read(developer, orgAdmin).status()).isEqualTo(200);

        givenEvent(developer, new MembershipsChanged(developer, List.of(new Membership(other, Role.DEVELOPER))));

        awaitVersion(developer, 1);
        assertThat(read(developer, orgAdmin).status()).isEqualTo(404);
    }

    @Test
    void R_SEARCH_4_an_org_publisher_does_not_read_the_other_users_of_its_givenOrganization() {
        OrganizationId organization = givenOrganization();
        String orgPublisher = tokenFor(givenUser(Role.ORG_PUBLISHER, new Membership(organization, Role.ORG_PUBLISHER)));
        UserId developer = givenUser(Role.DEVELOPER, new Membership(organization, Role.DEVELOPER));
        awaitVersion(developer, 0);

        assertThat(read(developer, orgPublisher).status()).isEqualTo(404);
    }

    @Test
    void R_SEARCH_4_a_developer_reads_its_own_account_and_nobody_else() {
        OrganizationId organization = givenOrganization();
        UserId developer = givenUser(Role.DEVELOPER, new Membership(organization, Role.DEVELOPER));
        UserId colleague = givenUser(Role.DEVELOPER, new Membership(organization, Role.DEVELOPER));
        awaitVersion(developer, 0);
        awaitVersion(colleague, 0);
        String token = tokenFor(developer);

        Api.Response own = read(developer, token);

        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("id").asText()).isEqualTo(developer.toString());
        assertThat(own.header("ETag")).contains("\"0\"");
        assertThat(read(colleague, token).status()).isEqualTo(404);
    }

    @Test
    void R_SEARCH_4_a_hidden_user_is_answered_exactly_like_an_unknown_one() {
        String developer = tokenFor(givenUser(Role.DEVELOPER, new Membership(givenOrganization(), Role.DEVELOPER)));
        UserId publisher = givenUser(Role.API_OWNER);
        awaitVersion(publisher, 0);

        Api.Response hidden = read(publisher, developer);
        Api.Response unknown = read(UserId.random(), developer);

        assertThat(hidden.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(hidden.json().get("code")).isEqualTo(unknown.json().get("code"));
        assertThat(hidden.json().get("detail")).isEqualTo(unknown.json().get("detail"));
        assertThat(hidden.header("ETag")).isEmpty();
    }

    @Test
    void an_unknown_user_is_not_found_even_for_a_portal_admin() {
        Api.Response response = read(UserId.random(), admin);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("not-found");
    }

    @Test
    void an_id_that_is_not_a_uuid_is_a_bad_request() {
        Api.Response response = api.get("/api/users/not-a-uuid").token(admin).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().at("/errors/0/field").asText()).isEqualTo("id");
    }

    @Test
    void reading_a_user_needs_a_token() {
        UserId publisher = givenUser(Role.API_OWNER);

        assertThat(api.get("/api/users/" + publisher).send().status()).isEqualTo(401);
    }
}
