package io.portalusers.platform.axon;

import java.util.List;
import java.util.UUID;

/**
 * The organizations a command's target belongs to, as the module that handles the command knows
 * them (an organization itself, a user's memberships as they stand). The command audit records
 * them beside each command, so that whoever reads the audit of an organization finds its commands.
 * The module that keeps those lookups implements it; without one, a command's record names no
 * organization.
 */
public interface CommandTargetOrganizations {

    /** In the transaction of the command's record; empty for a target in no organization. */
    List<UUID> of(UUID target);
}
