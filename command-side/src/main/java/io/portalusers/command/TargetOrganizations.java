package io.portalusers.command;

import io.portalusers.platform.axon.CommandTargetOrganizations;
import org.springframework.stereotype.Component;


/**
 * For the command audit: the organizations a command's target belongs to, from the command
 * side's lookups: an organization itself, or a user's memberships as they stand.
 */
@Component
class TargetOrganizations implements CommandTargetOrganizations {

    @Override
    public String query() {
        return """
                select organization_id from organization_lookup where organization_id = :target
                union select organization_id from actor_membership where user_id = :target""";
    }
}
