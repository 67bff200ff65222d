package io.portalusers.query.history;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A version's memberships come in the users view's order (PostgreSQL's: the uuids' text), whatever order the events list them in. */
class UserVersionTest {

    private static final Comparator<Membership> AS_TEXT = Comparator.comparing(m -> m.organizationId().toString());

    @Test
    void memberships_are_in_the_order_of_the_organization_ids_text_in_every_version() {
        for (int round = 0; round < 200; round++) {
            UserId user = UserId.random();
            List<Membership> created = memberships(1 + round % 5);
            List<Membership> changed = memberships(round % 7);
            List<UserVersion> versions = UserVersion.after(List.of(
                    event(0, new UserCreated(user, Username.of("user" + round), EmailAddress.of("user" + round + "@example.com"),
                            new PersonName("Ann", "Lee"), Language.ENGLISH, Role.DEVELOPER, created, UserSource.PORTAL,
                            null, false)),
                    event(1, new UserDisabled(user)),
                    event(2, new MembershipsChanged(user, changed))));

            assertThat(versions.get(0).memberships()).isEqualTo(created.stream().sorted(AS_TEXT).toList());
            assertThat(versions.get(1).memberships()).isEqualTo(versions.get(0).memberships());
            assertThat(versions.get(2).memberships()).isEqualTo(changed.stream().sorted(AS_TEXT).toList());
        }
    }

    @Test
    void a_versions_memberships_cannot_be_changed_by_whoever_holds_it() {
        List<Membership> created = new ArrayList<>(memberships(2));
        UserId user = UserId.random();
        UserVersion version = UserVersion.after(List.of(event(0, new UserCreated(user, Username.of("ann"),
                EmailAddress.of("ann@example.com"), new PersonName("Ann", "Lee"), Language.ENGLISH, Role.DEVELOPER,
                created, UserSource.PORTAL, null, false)))).get(0);

        created.clear();

        assertThat(version.memberships()).hasSize(2);
        assertThatThrownBy(() -> version.memberships().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Ids with the high bit set too, where signed and unsigned comparisons disagree. */
    private static List<Membership> memberships(int count) {
        List<Membership> memberships = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            memberships.add(new Membership(new OrganizationId(new UUID(random.nextLong(), random.nextLong())),
                    Role.DEVELOPER));
        }
        return memberships;
    }

    private static RecordedEvent event(long sequence, Object payload) {
        return new RecordedEvent(sequence, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(sequence), payload,
                null, null, null, null);
    }
}
