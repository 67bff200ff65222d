package io.portalusers.platform.problem;

import org.postgresql.util.PSQLException;

import java.util.Map;
import java.util.Optional;

/**
 * The unique constraints of the lookup tables, as the conflict (rule, field, message) each
 * one means: the one table both the HTTP answers and the processes that read refusals use.
 */
public final class UniqueConstraints {

    private static final Map<String, ConflictException> CONFLICTS = Map.of(
            "organization_name_taken",
            new ConflictException("R-ORG-1", "name", "an organization with this name exists"),
            "username_taken", new ConflictException("R-ADD-6", "username", "this username is taken"),
            "email_taken", new ConflictException("R-ADD-6", "email", "this email address is in use"),
            "scheme_name_taken",
            new ConflictException("R-AUTH-1", "name", "an authentication scheme with this name exists"),
            "registration_organization_name_taken",
            new ConflictException("R-REG-1", "organizationName",
                    "another registration for an organization with this name was accepted first"));

    private UniqueConstraints() {
    }

    /** The conflict a failure is, where one of its causes is a known unique constraint's violation. */
    public static Optional<ConflictException> violated(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return Optional.ofNullable(CONFLICTS.get(psql.getServerErrorMessage().getConstraint()));
            }
        }
        return Optional.empty();
    }
}
