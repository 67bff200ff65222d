package io.portalusers.standalone;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every actor x every operation x every target x SSO on and off, through
 * HTTP, against a table of the rules (docs/RULES.md) written here independently of the code. Each
 * case acts on a fresh target; a refusal must name the expected rule and append no event.
 *
 * The table, read from the portal's "Manage Users" page and docs/RULES.md:
 * - nobody acts on their own account (R-EDIT-1); that answer comes first;
 * - a Portal Admin manages users only while SSO is disabled (R-ADD-2); it may edit the
 *   details and role of portal-managed users only (R-EDIT-3), the memberships of IdP
 *   Developers of PORTAL schemes too, and enable or disable anyone (R-STATE-1);
 * - a role is a Global Publisher's only (R-EDIT-2), memberships a Developer's, and a
 *   publisher never becomes an Org User (R-EDIT-5);
 * - an Org Admin edits, enables and disables portal-managed users of its organizations only
 *   (R-EDIT-4, R-STATE-1), never a role, and changes memberships in the organizations it
 *   administers only (R-EDIT-4);
 * - whoever controls a user's email controls its account: an Org Admin changes the email of,
 *   and resends the activation email to, only a user all of whose organizations it
 *   administers (R-EDIT-6); a user also in another organization is the Portal Admin's;
 * - an activation email is resent to pending portal-managed users only: an IdP user signs in
 *   through its identity provider (R-ADD-7);
 * - everyone else manages nobody.
 */
class AuthorizationMatrixTest extends ApiTest {

    enum ActorKind { PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_ADMIN_OF_OTHER_ORG, ORG_PUBLISHER, DEVELOPER, IDP_USER }

    /** EDIT_DETAILS changes the names, CHANGE_EMAIL the email. */
    enum Operation { EDIT_DETAILS, CHANGE_EMAIL, CHANGE_ROLE, CHANGE_MEMBERSHIPS, ENABLE, DISABLE, RESEND_ACTIVATION }

    /** SHARED_DEVELOPER: a portal-managed Developer of organization A whose membership in B is Org Admin. */
    enum Target { SELF, PORTAL_DEVELOPER, SHARED_DEVELOPER, IDP_DEVELOPER_OF_PORTAL_SCHEME, IDP_DEVELOPER_OF_IDP_SCHEME,
        PUBLISHER, PORTAL_ADMIN }

    /** For an Org Admin, "own" is the organization it administers; for everyone else, organization A. */
    enum NewUser { PUBLISHER, DEVELOPER_IN_OWN_ORG, DEVELOPER_IN_OTHER_ORG, ORG_ADMIN_IN_OWN_ORG, ORG_PUBLISHER_IN_OWN_ORG }

    record Expected(int status, String code) {
        static final Expected ALLOWED = new Expected(200, null);

        static Expected forbidden(String rule) {
            return new Expected(403, rule);
        }

        static Expected unprocessable(String rule) {
            return new Expected(422, rule);
        }
    }

    static Expected expected(ActorKind actor, Operation operation, Target target, boolean sso) {
        boolean stateChange = operation == Operation.ENABLE || operation == Operation.DISABLE;
        Expected notTheirs = Expected.forbidden(stateChange ? "R-STATE-1" : "R-EDIT-4");
        if (target == Target.SELF) {
            return Expected.forbidden("R-EDIT-1");
        }
        boolean idp = target == Target.IDP_DEVELOPER_OF_PORTAL_SCHEME || target == Target.IDP_DEVELOPER_OF_IDP_SCHEME;
        boolean publisher = target == Target.PUBLISHER || target == Target.PORTAL_ADMIN;
        switch (actor) {
            case PORTAL_ADMIN -> {
                if (sso) {
                    return Expected.forbidden("R-ADD-2");
                }
                return switch (operation) {
                    case ENABLE, DISABLE -> Expected.ALLOWED;
                    case EDIT_DETAILS, CHANGE_EMAIL -> idp ? Expected.forbidden("R-EDIT-3") : Expected.ALLOWED;
                    case CHANGE_ROLE -> idp ? Expected.forbidden("R-EDIT-3")
                            : publisher ? Expected.ALLOWED : Expected.unprocessable("R-EDIT-2");
                    case CHANGE_MEMBERSHIPS -> target == Target.IDP_DEVELOPER_OF_IDP_SCHEME ? Expected.forbidden("R-EDIT-3")
                            : publisher ? Expected.unprocessable("R-EDIT-5") : Expected.ALLOWED;
                    case RESEND_ACTIVATION -> idp ? Expected.unprocessable("R-ADD-7") : Expected.ALLOWED;
                };
            }
            case ORG_ADMIN, ORG_ADMIN_OF_OTHER_ORG -> {
                // the Org Admin of A has both Developers; the Org Admin of B only the one also in B
                boolean theirs = target == Target.SHARED_DEVELOPER
                        || target == Target.PORTAL_DEVELOPER && actor == ActorKind.ORG_ADMIN;
                if (!theirs || operation == Operation.CHANGE_ROLE) {
                    return notTheirs;
                }
                if (target == Target.SHARED_DEVELOPER) {
                    return switch (operation) {
                        case CHANGE_EMAIL, RESEND_ACTIVATION -> Expected.forbidden("R-EDIT-6");
                        // the requested memberships drop the one in the organization the actor does not administer
                        case CHANGE_MEMBERSHIPS -> Expected.forbidden("R-EDIT-4");
                        default -> Expected.ALLOWED;
                    };
                }
                return Expected.ALLOWED;
            }
            default -> {
                return notTheirs;
            }
        }
    }

    static Expected expected(ActorKind actor, NewUser user, boolean sso) {
        return switch (actor) {
            case PORTAL_ADMIN -> sso ? Expected.forbidden("R-ADD-2") : Expected.ALLOWED;
            case ORG_ADMIN, ORG_ADMIN_OF_OTHER_ORG ->
                    user == NewUser.DEVELOPER_IN_OWN_ORG || user == NewUser.ORG_ADMIN_IN_OWN_ORG
                            ? Expected.ALLOWED : Expected.forbidden("R-ADD-3");
            default -> Expected.forbidden("R-ADD-1");
        };
    }

    private String orgA;
    private String orgB;
    private String orgAName;
    private String portalScheme;
    private String idpScheme;
    private final Map<ActorKind, UserId> actors = new EnumMap<>(ActorKind.class);
    private final List<String> disagreements = new ArrayList<>();
    private int cases;

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 12);
    }

    @Test
    void A1_every_actor_operation_target_and_sso_setting_agrees_with_the_seed() {
        orgAName = "Matrix A " + unique();
        orgA = organization(orgAName);
        orgB = organization("Matrix B " + unique());
        portalScheme = scheme("PORTAL");
        idpScheme = scheme("IDP");
        actors.put(ActorKind.PORTAL_ADMIN, bootstrapAdmin());
        actors.put(ActorKind.API_OWNER, givenUser(Role.API_OWNER));
        actors.put(ActorKind.ORG_ADMIN, givenUser(Role.ORG_ADMIN, membership(orgA, Role.ORG_ADMIN)));
        actors.put(ActorKind.ORG_ADMIN_OF_OTHER_ORG, givenUser(Role.ORG_ADMIN, membership(orgB, Role.ORG_ADMIN)));
        actors.put(ActorKind.ORG_PUBLISHER, givenUser(Role.ORG_PUBLISHER, membership(orgA, Role.ORG_PUBLISHER)));
        actors.put(ActorKind.DEVELOPER, givenUser(Role.DEVELOPER, membership(orgA, Role.DEVELOPER)));
        actors.put(ActorKind.IDP_USER, UserId.of(provision(portalScheme)));

        for (boolean sso : new boolean[]{false, true}) {
            List<Runnable> group = new ArrayList<>();
            for (ActorKind actor : ActorKind.values()) {
                for (Operation operation : Operation.values()) {
                    for (Target target : Target.values()) {
                        String targetId = target == Target.SELF ? actors.get(actor).toString() : fresh(target);
                        group.add(() -> run(actor, operation, target, targetId, sso));
                    }
                }
                for (NewUser user : NewUser.values()) {
                    group.add(() -> create(actor, user, sso));
                }
            }
            setSso(sso);
            try {
                group.forEach(Runnable::run);
            } finally {
                setSso(false);
            }
        }

        System.out.printf("Authorization matrix: %d cases, %d disagreements%n", cases, disagreements.size());
        assertThat(disagreements).as("%d cases", cases).isEmpty();
        assertThat(cases).isEqualTo(2 * ActorKind.values().length
                * (Operation.values().length * Target.values().length + NewUser.values().length));
    }

    private void run(ActorKind actor, Operation operation, Target target, String targetId, boolean sso) {
        long events = eventCount(targetId);
        Api.Call call = switch (operation) {
            case EDIT_DETAILS -> api.patch("/api/users/" + targetId, """
                    {"firstName": "Edited", "lastName": "Name"}""");
            case CHANGE_EMAIL -> api.patch("/api/users/" + targetId, """
                    {"email": "changed-%s@example.com"}""".formatted(unique()));
            case CHANGE_ROLE -> api.put("/api/users/" + targetId + "/role", """
                    {"role": "%s"}""".formatted(target == Target.PUBLISHER ? "PORTAL_ADMIN"
                    : target == Target.PORTAL_ADMIN || target == Target.SELF ? "API_OWNER" : "ORG_ADMIN"));
            case CHANGE_MEMBERSHIPS -> api.put("/api/users/" + targetId + "/memberships", """
                    {"memberships": [{"organizationId": "%s", "role": "ORG_ADMIN"}]}""".formatted(orgA));
            case ENABLE -> api.post("/api/users/" + targetId + "/enable", "");
            case DISABLE -> api.post("/api/users/" + targetId + "/disable", "");
            case RESEND_ACTIVATION -> api.post("/api/users/" + targetId + "/activation-email", "");
        };
        Api.Response response = call.token(tokenFor(actors.get(actor))).send();
        check(actor + " " + operation + " " + target + (sso ? " sso" : ""), expected(actor, operation, target, sso),
                response, events, eventCount(targetId));
    }

    private void create(ActorKind actor, NewUser user, boolean sso) {
        String ownOrg = actor == ActorKind.ORG_ADMIN_OF_OTHER_ORG ? orgB : orgA;
        String otherOrg = actor == ActorKind.ORG_ADMIN_OF_OTHER_ORG ? orgA : orgB;
        String name = unique();
        String role = switch (user) {
            case PUBLISHER -> "API_OWNER";
            case DEVELOPER_IN_OWN_ORG, DEVELOPER_IN_OTHER_ORG -> "DEVELOPER";
            case ORG_ADMIN_IN_OWN_ORG -> "ORG_ADMIN";
            case ORG_PUBLISHER_IN_OWN_ORG -> "ORG_PUBLISHER";
        };
        String memberships = user == NewUser.PUBLISHER ? "[]" : """
                [{"organizationId": "%s", "role": "%s"}]""".formatted(
                user == NewUser.DEVELOPER_IN_OTHER_ORG ? otherOrg : ownOrg, role);
        long events = eventCount();
        Api.Response response = api.post("/api/users", """
                {"username": "m-%s", "email": "m-%s@example.com", "firstName": "New", "lastName": "User",
                 "role": "%s", "memberships": %s}""".formatted(name, name, role, memberships))
                .token(tokenFor(actors.get(actor))).send();
        Expected expected = expected(actor, user, sso);
        Expected allowedCreation = expected.status() == 200 ? new Expected(201, null) : expected;
        check(actor + " CREATE " + user + (sso ? " sso" : ""), allowedCreation, response, events,
                eventCount() - (response.status() == 201 ? eventCount(response.json().get("id").asText()) : 0));
    }

    private void check(String label, Expected expected, Api.Response response, long eventsBefore, long eventsAfter) {
        cases++;
        boolean statusAgrees = response.status() == expected.status();
        boolean codeAgrees = expected.code() == null || expected.code().equals(response.json().path("code").asText());
        boolean noEventOnRefusal = response.status() < 300 || eventsAfter == eventsBefore;
        if (!statusAgrees || !codeAgrees || !noEventOnRefusal) {
            disagreements.add("%s: expected %s %s, got %s".formatted(label, expected.status(),
                    expected.code() == null ? "" : expected.code(), response));
        }
    }

    private String fresh(Target target) {
        return switch (target) {
            case PORTAL_DEVELOPER -> givenUser(Role.DEVELOPER, membership(orgA, Role.DEVELOPER)).toString();
            case SHARED_DEVELOPER -> givenUser(Role.DEVELOPER, membership(orgA, Role.DEVELOPER),
                    membership(orgB, Role.ORG_ADMIN)).toString();
            case IDP_DEVELOPER_OF_PORTAL_SCHEME -> provision(portalScheme);
            case IDP_DEVELOPER_OF_IDP_SCHEME -> provision(idpScheme);
            case PUBLISHER -> givenUser(Role.API_OWNER).toString();
            case PORTAL_ADMIN -> givenUser(Role.PORTAL_ADMIN).toString();
            case SELF -> throw new IllegalArgumentException("the actor is its own target");
        };
    }

    private static Membership membership(String organization, Role role) {
        return new Membership(OrganizationId.of(organization), role);
    }

    private UserId bootstrapAdmin() {
        return UserId.of(jdbc.sql("select user_id::text from actor where user_id = '00000000-0000-4000-8000-000000000001'")
                .query(String.class).single());
    }


    private String scheme(String authorizationType) {
        return api.post("/api/authentication-schemes", """
                {"name": "Matrix %s", "authorizationType": "%s",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"devs": "DEVELOPER"}}}"""
                .formatted(unique(), authorizationType)).token(admin).send().json().get("id").asText();
    }

    private String provision(String scheme) {
        String subject = unique();
        Api.Response response = api.post("/api/authentication-schemes/" + scheme + "/users", """
                {"subject": "%s", "username": "idp-%s", "email": "idp-%s@idp.example", "firstName": "I",
                 "lastName": "P", "attributes": {"group": "devs", "org": "%s"}}"""
                .formatted(subject, subject, subject, orgAName)).token(admin).send();
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asText();
    }

    private void setSso(boolean sso) {
        Api.Response response = api.put("/api/settings", """
                {"ssoEnabled": %s, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}"""
                .formatted(sso)).token(admin).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }
}
