package io.portalusers.platform.axon;


/**
 * The organizations a command's target belongs to, as the module that handles the command knows
 * them (an organization itself, a user's memberships as they stand). The command audit records
 * them beside each command, so that whoever reads the audit of an organization finds its commands.
 * The module that keeps those lookups implements it; without one, a command's record names no
 * organization.
 */
public interface CommandTargetOrganizations {

    /**
     * A query of the organization ids (uuid) the target {@code :target} (a uuid, null when the
     * command's target is no uuid) belongs to, none for a target in no organization. It runs
     * inside the statement that writes the command's record, in its transaction: the record
     * costs one round trip, not two, on every command.
     */
    String query();
}
