package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Usernames;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/** Who holds a username, from the uniqueness lookup the command side keeps (R-ADD-6). */
@Component
class UsernameHolders implements Usernames {

    private final JdbcClient jdbc;

    UsernameHolders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<UserId> holderOf(String usernameKey) {
        return jdbc.sql("select user_id from username_lookup where username_key = ?")
                .param(usernameKey)
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .optional();
    }
}
