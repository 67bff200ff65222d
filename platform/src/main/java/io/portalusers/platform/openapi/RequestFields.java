package io.portalusers.platform.openapi;

import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.SchemeName;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.Username;
import io.portalusers.platform.password.PasswordPolicy;
import io.portalusers.platform.request.RequestMetadata;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The request bodies' fields as the domain's value types accept them: a field of a given name
 * is parsed by the same value type in every request ({@code email} by {@link EmailAddress},
 * {@code username} by {@link Username}...), so its constraints are stated here once, from that
 * type's own limits. Lengths count characters after the surrounding whitespace is stripped,
 * as the value types do. And which fields each request requires.
 */
final class RequestFields {

    private static final int MAX_ATTRIBUTES = 50;
    private static final String EMAIL = "^[^@\\s]{1," + EmailAddress.MAX_LOCAL_PART + "}@[^@\\s.]+(\\.[^@\\s.]+)+$";
    private static final int MAX_SUBJECT = 255;
    private static final String LANGUAGE_TAG = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$";

    /** By field name, for every request schema that has such a field. */
    private static final Map<String, Consumer<Schema<?>>> FIELDS = Map.ofEntries(
            Map.entry("username", s -> text(s, Username.MIN_LENGTH, Username.MAX_LENGTH)
                    .description("Letters, digits and . _ - @ + (" + Username.MIN_LENGTH + " to " + Username.MAX_LENGTH
                            + " characters); unique regardless of case")),
            Map.entry("email", s -> text(s, 3, EmailAddress.MAX_LENGTH).format("email").pattern(EMAIL)
                    .description("Unique regardless of the case of the local part (1 to "
                            + EmailAddress.MAX_LOCAL_PART + " characters before the @; a domain of two labels or more)")),
            Map.entry("firstName", s -> text(s, 1, PersonName.MAX_LENGTH)),
            Map.entry("lastName", s -> text(s, 1, PersonName.MAX_LENGTH)),
            Map.entry("language", s -> s.pattern(LANGUAGE_TAG)
                    .description("A language tag such as en or de-CH; en when left out")),
            Map.entry("role", s -> enumOf(s, Role.values())),
            Map.entry("organizationId", s -> s.format("uuid")),
            Map.entry("organizationName", s -> text(s, 1, OrganizationName.MAX_LENGTH)),
            Map.entry("accountPlan", s -> text(s, 1, AccountPlan.MAX_LENGTH)),
            Map.entry("authorizationType", s -> enumOf(s, AuthorizationType.values())),
            Map.entry("reason", s -> text(s, 1, RequestMetadata.MAX_REASON_LENGTH)),
            Map.entry("password", s -> password(s)),
            Map.entry("newPassword", s -> password(s)),
            Map.entry("currentPassword", s -> s.minLength(1)),
            Map.entry("login", s -> s.minLength(1).description("The username or the email address")),
            Map.entry("subject", s -> text(s, 1, MAX_SUBJECT)),
            Map.entry("url", s -> text(s, 1, 2000).format("uri").pattern("^[hH][tT][tT][pP][sS]?://[^\\s/?#@]+([/?#]\\S*)?$")
                    .description("An http(s) URL with a host; https only, and no internal address, unless the "
                            + "operator allows them (R-HOOK-1)")),
            Map.entry("eventTypes", s -> s.minItems(1).maxItems(100)),
            Map.entry("secret", s -> s.pattern("^whsec_[A-Za-z0-9+/]{32,86}={0,2}$")
                    .description("whsec_ and the base64 of 24 to 64 random bytes; generated when left out")),
            Map.entry("description", s -> s.maxLength(500)),
            Map.entry("after", s -> s.minimum(BigDecimal.ZERO)),
            Map.entry("termsAccepted", s -> enumOf(s, List.of(Boolean.TRUE))
                    .description("Must be true: the registration is refused otherwise")));

    /** The fields each request cannot do without (the others are optional). */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("CreateUserRequest", List.of("username", "email", "firstName", "lastName", "role")),
            Map.entry("RoleRequest", List.of("role")),
            Map.entry("MembershipsRequest", List.of("memberships")),
            Map.entry("MembershipRequest", List.of("organizationId", "role")),
            Map.entry("RegistrationRequest", List.of("username", "email", "firstName", "lastName", "organizationName",
                    "termsAccepted")),
            Map.entry("RejectionRequest", List.of("reason")),
            Map.entry("CreateOrganizationRequest", List.of("name", "accountPlan")),
            Map.entry("AccountPlanRequest", List.of("accountPlan")),
            Map.entry("SchemeRequest", List.of("name", "authorizationType", "mappings")),
            Map.entry("MappingsRequest", List.of("organizationAttribute", "roleAttribute", "roleValues")),
            Map.entry("SettingsRequest", List.of("ssoEnabled", "thirdPartyRegistrationEnabled", "registrationWorkflowEnabled")),
            Map.entry("ProvisionRequest", List.of("subject", "username", "email", "firstName", "lastName")),
            Map.entry("ResetRequest", List.of("login")),
            Map.entry("NewPassword", List.of("password")),
            Map.entry("SetupRequest", List.of("password")),
            Map.entry("PasswordChange", List.of("currentPassword", "newPassword")),
            Map.entry("SubscriptionRequest", List.of("url", "eventTypes")));

    /** Examples of the main request bodies. */
    private static final Map<String, Object> EXAMPLES = Map.of(
            "CreateUserRequest", Map.of("username", "jane.doe", "email", "jane.doe@example.com", "firstName", "Jane",
                    "lastName", "Doe", "language", "en", "role", "DEVELOPER",
                    "memberships", List.of(Map.of("organizationId", "3f2b8c1e-6d7a-4e59-9c1b-2a4d5e6f7a8b",
                            "role", "DEVELOPER")), "notify", true),
            "DetailsRequest", Map.of("firstName", "Jane", "lastName", "Smith", "email", "jane.smith@example.com"),
            "CreateOrganizationRequest", Map.of("name", "Acme Corporation", "accountPlan", "Gold"),
            "RegistrationRequest", Map.of("username", "jane.doe", "email", "jane.doe@example.com", "firstName", "Jane",
                    "lastName", "Doe", "language", "en", "organizationName", "Acme Corporation", "termsAccepted", true));

    private RequestFields() {
    }

    @SuppressWarnings("unchecked")
    static void apply(OpenAPI openApi) {
        Map<String, Schema> schemas = OpenApiDocumentation.schemas(openApi);
        REQUIRED.forEach((name, required) -> {
            Schema<?> schema = schemas.get(name);
            if (schema != null) {
                schema.setRequired(required);
            }
        });
        schemas.forEach((name, schema) -> {
            if (!isRequest(name) || schema.getProperties() == null) {
                return;
            }
            ((Map<String, Schema>) schema.getProperties()).forEach((field, property) -> {
                Consumer<Schema<?>> constraint = FIELDS.get(field);
                if (constraint != null) {
                    constraint.accept(property);
                }
            });
            if (name.equals("CreateOrganizationRequest")) {
                text((Schema<?>) schema.getProperties().get("name"), 1, OrganizationName.MAX_LENGTH);
            }
            if (name.equals("SchemeRequest")) {
                text((Schema<?>) schema.getProperties().get("name"), 1, SchemeName.MAX_LENGTH);
                ((Schema<?>) schema.getProperties().get("id")).description("The scheme's id: chosen by the caller when "
                        + "it creates one (a repeat answers the same), and when given on a change, the path's "
                        + "(invalid-combination otherwise)");
            }
            if (name.equals("MembershipRequest")) {
                enumOf((Schema<?>) schema.getProperties().get("role"), Arrays.stream(Role.values())
                        .filter(role -> role.category() == UserCategory.ORG_USER).toArray(Role[]::new));
            }
            if (name.equals("MappingsRequest")) {
                for (String attribute : List.of("organizationAttribute", "roleAttribute")) {
                    text((Schema<?>) schema.getProperties().get(attribute), 1, AttributeMappings.MAX_LENGTH);
                }
                Schema<?> roleValues = (Schema<?>) schema.getProperties().get("roleValues");
                roleValues.minProperties(1).description("Attribute values (1 to " + AttributeMappings.MAX_LENGTH
                        + " characters) and the role each stands for");
                roleValues.setAdditionalProperties(enumOf(new io.swagger.v3.oas.models.media.StringSchema(), Role.values()));
            }
            if (name.equals("ProvisionRequest") && schema.getProperties().get("attributes") instanceof Schema<?> attributes) {
                attributes.maxProperties(MAX_ATTRIBUTES);
            }
            if (name.equals("SubscriptionRequest") && schema.getProperties().get("eventTypes") instanceof Schema<?> types
                    && types.getItems() != null) {
                types.getItems().pattern("^io\\.portalusers\\.[a-z0-9-]{1,60}\\.[a-z0-9-]{1,60}$")
                        .description("A CloudEvents type such as io.portalusers.user.created");
            }
            if (name.equals("DetailsRequest")) {
                schema.minProperties(1).description("The fields to change, at least one; firstName and lastName "
                        + "change together (invalid-combination when only one is given)");
            }
            if (EXAMPLES.containsKey(name)) {
                schema.setExample(EXAMPLES.get(name));
            }
        });
    }

    private static boolean isRequest(String schema) {
        return schema.endsWith("Request") || REQUIRED.containsKey(schema);
    }

    private static Schema<?> text(Schema<?> schema, int min, int max) {
        return schema.minLength(min).maxLength(max);
    }

    private static Schema<?> password(Schema<?> schema) {
        return schema.minLength(PasswordPolicy.MIN_LENGTH).maxLength(PasswordPolicy.MAX_LENGTH)
                .description("Between " + PasswordPolicy.MIN_LENGTH + " and " + PasswordPolicy.MAX_LENGTH
                        + " characters, and not a known or guessable one");
    }

    private static Schema<?> enumOf(Schema<?> schema, Enum<?>[] values) {
        return enumOf(schema, Arrays.stream(values).map(Enum::name).toList());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> enumOf(Schema schema, List<?> values) {
        schema.setEnum(values);
        return schema;
    }
}
