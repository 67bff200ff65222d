package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;

import java.util.Optional;
import java.util.Set;

/**
 * Who reads the audit record (a user's history, the account at an instant, the event export,
 * the command audit) and the reports: a user of this service, whose rights come from its
 * account, or a machine client whose token carries the {@code audit:read} scope, which reads
 * all of it and can change nothing.
 */
public sealed interface AuditReader {

    /** Reads every user's and every organization's record: a Portal Admin or an audit:read machine client. */
    boolean readsEverything();

    /** The organizations whose record it reads, when it does not read everything. */
    Set<OrganizationId> administeredOrganizations();

    /** The user reading, unless a machine client reads. */
    Optional<UserId> userId();

    record User(Actor actor) implements AuditReader {

        @Override
        public boolean readsEverything() {
            return actor.isPortalAdmin();
        }

        @Override
        public Set<OrganizationId> administeredOrganizations() {
            return actor.administeredOrganizations();
        }

        @Override
        public Optional<UserId> userId() {
            return Optional.of(actor.userId());
        }
    }

    record MachineClient(String clientId) implements AuditReader {

        @Override
        public boolean readsEverything() {
            return true;
        }

        @Override
        public Set<OrganizationId> administeredOrganizations() {
            return Set.of();
        }

        @Override
        public Optional<UserId> userId() {
            return Optional.empty();
        }
    }
}
