package io.portalusers.platform.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The response fields that can be null, as OpenAPI 3.0 says it: {@code nullable: true}, or for
 * a field of a schema of its own {@code nullable: true, allOf: [{$ref}]}. Every other field of a
 * response is never null.
 */
final class ResponseFields {

    /** By schema, the fields that are null where the value is unknown, not yet or no longer there. */
    private static final Map<String, List<String>> NULLABLE = Map.ofEntries(
            Map.entry("UserView", List.of("invitation", "schemeId", "activation")),
            Map.entry("Invitation", List.of("delivery")),
            Map.entry("Delivery", List.of("sentAt", "failedAt")),
            Map.entry("RegistrationView", List.of("decidedBy", "decidedAt", "completedAt", "expiresAt", "reason",
                    "organizationId", "userId", "failureCode")),
            Map.entry("ChainHead", List.of("sealedAt")),
            // a deleted row has no event, aggregate nor sequence number to name; an intact chain has no mismatch
            Map.entry("Mismatch", List.of("eventIdentifier", "aggregateIdentifier", "sequenceNumber")),
            Map.entry("Report", List.of("firstMismatch")),
            // an event from before the service recorded who acted and in which request has neither
            Map.entry("HistoryEntry", List.of("reason", "correlationId")),
            // a machine client (a SCIM client) acting has an id but no person's name
            Map.entry("EventActor", List.of("id", "name")),
            Map.entry("SettingsView", List.of("updatedAt")),
            // the sign-in's audit tables: what a request did not say (an unknown login has no user)
            Map.entry("PasswordAuditRecord", List.of("endedAuthorizations", "userId", "client", "sourceAddress",
                    "correlationId")),
            Map.entry("SubscriptionView", List.of("organization", "description", "lastDeliveredAt", "failingSince",
                    "nextAttemptAt", "pausedAt", "pausedReason", "secret")),
            Map.entry("Attempt", List.of("statusCode", "error")),
            // a dead letter queued behind the first of its sequence failed for no cause of its own;
            // one whose event the log no longer holds has no position in it
            Map.entry("Letter", List.of("cause", "globalIndex")),
            // a retry that handled every letter has no failure to tell
            Map.entry("Retry", List.of("failure")),
            Map.entry("AuditRecord", List.of("actorId", "targetId", "correlationId", "reason", "code")),
            Map.entry("SignInRecord", List.of("userId", "loginHash", "clientId", "sourceAddress", "userAgent",
                    "correlationId")),
            // no approval in the weeks asked: no time to tell
            Map.entry("ApprovalTimes", List.of("p50Seconds", "p90Seconds", "p99Seconds", "maxSeconds")));

    /** By schema, the fields whose value is any JSON value (a field's value before and after a change). */
    private static final Map<String, List<String>> ANY = Map.of("FieldChange", List.of("before", "after"));

    private ResponseFields() {
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static void apply(OpenAPI openApi) {
        Map<String, Schema> schemas = OpenApiDocumentation.schemas(openApi);
        NULLABLE.forEach((name, fields) -> {
            Schema<?> schema = schemas.get(name);
            if (schema == null || schema.getProperties() == null) {
                return;
            }
            for (String field : fields) {
                Schema property = schema.getProperties().get(field);
                if (property != null) {
                    schema.getProperties().put(field, nullable(property, schemas));
                }
            }
        });
        ANY.forEach((name, fields) -> {
            Schema<?> schema = schemas.get(name);
            if (schema != null && schema.getProperties() != null) {
                fields.forEach(field -> schema.getProperties().computeIfPresent(field,
                        (key, old) -> new Schema<>().nullable(true).description(old.getDescription())));
            }
        });
    }

    /**
     * OpenAPI 3.0 ignores the siblings of a $ref, and a {@code nullable} wrapper around an
     * {@code allOf} of it still requires an object (validators read it so): a field of a schema
     * of its own that can be null is a nullable copy of that schema.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Schema nullable(Schema property, Map<String, Schema> schemas) {
        if (property.get$ref() != null) {
            Schema referenced = schemas.get(property.get$ref().substring(property.get$ref().lastIndexOf('/') + 1));
            Schema copy = new Schema<>().type("object").nullable(true).description(referenced.getDescription())
                    .properties(referenced.getProperties()).required(referenced.getRequired());
            return copy;
        }
        return property.nullable(true);
    }
}
