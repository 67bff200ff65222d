package io.portalusers.command;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.actor.ActorInterceptor;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.problem.RuleViolationException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.hamcrest.Matchers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every aggregate fixture shares: the actors its commands come from (the state the
 * actor lookup would hold, given to the interceptor production uses), and how a refusal by
 * a rule is recognized.
 */
public final class CommandFixtures {

    public static final Actor PORTAL_ADMIN = actor(Role.PORTAL_ADMIN, List.of());
    public static final Actor API_OWNER = actor(Role.API_OWNER, List.of());
    public static final OrganizationId ACME = OrganizationId.random();
    public static final Actor ORG_ADMIN = actor(Role.ORG_ADMIN, List.of(new Membership(ACME, Role.ORG_ADMIN)));
    public static final OrganizationId GLOBEX = OrganizationId.random();
    public static final Actor DEVELOPER = actor(Role.DEVELOPER, List.of(new Membership(ACME, Role.DEVELOPER)));
    public static final Actor ORG_PUBLISHER = actor(Role.ORG_PUBLISHER, List.of(new Membership(ACME, Role.ORG_PUBLISHER)));
    public static final Actor GLOBEX_ADMIN = actor(Role.ORG_ADMIN, List.of(new Membership(GLOBEX, Role.ORG_ADMIN)));
    /** A Developer account that is Org Admin of both organizations: only Developers have several memberships (R-ADD-5). */
    public static final Actor ACME_AND_GLOBEX_ADMIN = actor(Role.DEVELOPER,
            List.of(new Membership(ACME, Role.ORG_ADMIN), new Membership(GLOBEX, Role.ORG_ADMIN)));
    public static final Actor DISABLED_PORTAL_ADMIN =
            new Actor(UserId.random(), Role.PORTAL_ADMIN, UserSource.PORTAL, false, List.of());

    /** The SCIM client {@value #SCIM_CLIENT}, provisioning the users of {@link #SCIM_SCHEME}. */
    public static final String SCIM_CLIENT = "okta-scim";
    public static final SchemeId SCIM_SCHEME = SchemeId.random();

    private final Map<UserId, Actor> actors = new HashMap<>();

    private CommandFixtures(Actor... known) {
        for (Actor actor : known) {
            actors.put(actor.userId(), actor);
        }
    }

    public static void register(AggregateTestFixture<?> fixture) {
        CommandFixtures all = new CommandFixtures(PORTAL_ADMIN, API_OWNER, ORG_ADMIN, DEVELOPER, ORG_PUBLISHER,
                GLOBEX_ADMIN, ACME_AND_GLOBEX_ADMIN, DISABLED_PORTAL_ADMIN);
        fixture.registerCommandHandlerInterceptor(new ActorInterceptor(id -> Optional.ofNullable(all.actors.get(id)),
                client -> client.equals(SCIM_CLIENT) ? Optional.of(Actor.provisioner(client, SCIM_SCHEME)) : Optional.empty()));
    }

    public static Map<String, Object> by(Actor actor) {
        return Map.of(RequestMetadata.ACTOR_ID, actor.userId().toString());
    }

    /** A command of the machine client {@code clientId}, as the API stamps it. */
    public static Map<String, Object> byClient(String clientId) {
        return Map.of(RequestMetadata.ACTOR_ID, "client:" + clientId);
    }

    /** The command was refused by the rule with this id. */
    public static Matcher<RuleViolationException> refusedBy(String ruleId) {
        return new FeatureMatcher<>(Matchers.equalTo(ruleId), "a refusal by", "rule") {
            @Override
            protected String featureValueOf(RuleViolationException actual) {
                return actual.ruleId();
            }
        };
    }

    private static Actor actor(Role role, List<Membership> memberships) {
        return new Actor(UserId.random(), role, UserSource.PORTAL, true, memberships);
    }
}
