package io.portalusers.platform.actor;

import io.portalusers.api.UserId;

import java.util.Optional;

/**
 * Which user holds a username, as the module that keeps usernames unique knows it (the command
 * side). The platform asks through this interface so that it reads no table of that module;
 * a node without the command side has no implementation.
 */
public interface Usernames {

    /** The user whose username has the uniqueness key {@code usernameKey} ({@code Username.key()}). */
    Optional<UserId> holderOf(String usernameKey);
}
