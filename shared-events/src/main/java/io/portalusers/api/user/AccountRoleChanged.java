package io.portalusers.api.user;

import io.portalusers.api.UserId;

/**
 * The account's role ({@link UserCreated#accountRole()}) changed: a Portal Admin moved a Global
 * Publisher to the other publisher role (R-EDIT-2), or an external IdP user of either category
 * followed its identity provider to another role of its category (R-AUTH-1), Org Users included.
 * <p>
 * Stored before as {@code io.portalusers.api.user.PublisherRoleChanged}, with the same fields;
 * such events are read under this name (see the platform's {@code RenamedEvents}).
 */
public record AccountRoleChanged(UserId userId, Role role) {
}
