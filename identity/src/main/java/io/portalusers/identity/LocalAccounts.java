package io.portalusers.identity;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may sign in with a password (R-AUTH-3): an enabled, active (its account setup done, so
 * it has a password), portal-managed account, found by username or email. While SSO is on,
 * only Portal Admins may (a way in when the identity provider is down). Every other case,
 * an unknown login included, is the same "not found": Spring's provider then checks the
 * password against a dummy hash, so the answer and its time are those of a wrong password,
 * and nobody learns whether an account exists or why it may not sign in.
 *
 * <p>The signed-in principal's name is the user id, so the tokens' subject is the id the API
 * knows its callers by.
 */
class LocalAccounts implements UserDetailsService {

    private final JdbcClient jdbc;
    private final LoginHashes logins;

    LocalAccounts(JdbcClient jdbc, LoginHashes logins) {
        this.jdbc = jdbc;
        this.logins = logins;
    }

    /** Whom an attempt with {@code login} is about: the user it names, whether or not it may sign in, else the login's hash. */
    SignInSubject subject(String login) {
        return userId(login).map(SignInSubject::user).orElseGet(() -> SignInSubject.unknown(logins.of(login)));
    }

    @Override
    public UserDetails loadUserByUsername(String login) {
        return userId(login)
                .flatMap(this::signInAccount)
                .orElseThrow(() -> new UsernameNotFoundException("no account may sign in with this login"));
    }

    private record Account(UUID userId, boolean enabled, String source, String role, String passwordHash,
                           boolean ssoEnabled) {
    }

    private Optional<UserDetails> signInAccount(UUID userId) {
        return jdbc.sql("""
                        select a.user_id, a.enabled, a.source, a.account_role, c.password_hash,
                               coalesce((select bool_or(sso_enabled) from settings_lookup), false) as sso_enabled
                        from actor a join credential c on c.user_id = a.user_id
                        where a.user_id = ?""")
                .param(userId)
                .query((rs, row) -> new Account(rs.getObject("user_id", UUID.class), rs.getBoolean("enabled"),
                        rs.getString("source"), rs.getString("account_role"), rs.getString("password_hash"),
                        rs.getBoolean("sso_enabled")))
                .optional()
                .filter(LocalAccounts::maySignIn)
                .map(account -> User.withUsername(account.userId().toString())
                        .password(account.passwordHash())
                        .authorities(List.of())
                        .build());
    }

    /** The rule of who may sign in with a password, and so reset or change it (R-AUTH-3, R-AUTH-4). */
    private static boolean maySignIn(Account account) {
        return account.enabled()
                && account.passwordHash() != null
                && UserSource.PORTAL.name().equals(account.source())
                && (!account.ssoEnabled() || Role.PORTAL_ADMIN.name().equals(account.role()));
    }

    /**
     * An account as a password reset or change sees it: whether it may sign in with a password
     * (the only accounts whose password can be reset or changed), its password hash, and the
     * keys of its username and email (a password must not contain the username; a reset link
     * goes only to the current address).
     */
    record PasswordAccount(UUID userId, boolean maySignIn, String passwordHash, String usernameKey, String emailKey) {

        @Override
        public String toString() {
            return "PasswordAccount[userId=" + userId + ", maySignIn=" + maySignIn + "]";
        }
    }

    private static final String PASSWORD_ACCOUNT = """
            select f.user_id, coalesce(a.enabled, false) as enabled, a.source, a.account_role, c.password_hash,
                   u.username_key, e.email_key,
                   coalesce((select bool_or(sso_enabled) from settings_lookup), false) as sso_enabled
            from found f
            join actor a on a.user_id = f.user_id
            left join credential c on c.user_id = f.user_id
            left join username_lookup u on u.user_id = f.user_id
            left join email_lookup e on e.user_id = f.user_id""";

    /**
     * The account a login (username or email) names, in one statement whatever the login, so
     * that an unknown login, an account that may not sign in and one that may cost the same.
     */
    Optional<PasswordAccount> byLogin(String login) {
        String trimmed = login == null ? "" : login.strip();
        return jdbc.sql("""
                        with found as (
                            select user_id from (
                                select user_id, 1 as preference from username_lookup where username_key = ?
                                union all
                                select user_id, 2 from email_lookup where email_key = ?) matches
                            order by preference limit 1)
                        """ + PASSWORD_ACCOUNT)
                .params(key(trimmed, Username::of, Username::key), key(trimmed, EmailAddress::of, EmailAddress::key))
                .query(LocalAccounts::passwordAccount)
                .optional();
    }

    /** The account of a user id (a signed-in caller, a reset link's user). */
    Optional<PasswordAccount> byId(UUID userId) {
        return jdbc.sql("with found as (select ?::uuid as user_id) " + PASSWORD_ACCOUNT)
                .param(userId)
                .query(LocalAccounts::passwordAccount)
                .optional();
    }

    private static PasswordAccount passwordAccount(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        Account account = new Account(rs.getObject("user_id", UUID.class), rs.getBoolean("enabled"),
                rs.getString("source"), rs.getString("account_role"), rs.getString("password_hash"),
                rs.getBoolean("sso_enabled"));
        return new PasswordAccount(account.userId(), maySignIn(account), account.passwordHash(),
                rs.getString("username_key"), rs.getString("email_key"));
    }

    /**
     * The user a login names: by username first (a username may hold an {@code @}), else by
     * email. Both lookups run whatever the login, so their time does not tell which matched.
     */
    private Optional<UUID> userId(String login) {
        String trimmed = login == null ? "" : login.strip();
        return jdbc.sql("""
                        select user_id from (
                            select user_id, 1 as preference from username_lookup where username_key = ?
                            union all
                            select user_id, 2 from email_lookup where email_key = ?) matches
                        order by preference limit 1""")
                .params(key(trimmed, Username::of, Username::key), key(trimmed, EmailAddress::of, EmailAddress::key))
                .query(UUID.class).optional();
    }

    /** The lookup key of {@code text} read as a value of this kind, or null (which matches no row) when it is none. */
    private static <T> String key(String text, java.util.function.Function<String, T> parse,
                                  java.util.function.Function<T, String> key) {
        try {
            return key.apply(parse.apply(text));
        } catch (InvalidValueException notOfThisKind) {
            return null;
        }
    }
}
