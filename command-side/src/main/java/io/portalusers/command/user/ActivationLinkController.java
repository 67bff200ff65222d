package io.portalusers.command.user;

import io.portalusers.api.user.Username;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Embedded default only: the link of a user's unsent invitation, read from the outbox the
 * notifier will send from. It stands in for the email until that exists, so that a
 * newcomer can activate an account with curl; no other configuration has this endpoint.
 */
@RestController
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
class ActivationLinkController {

    static final String PATH = "/api/dev/activation-link";

    private final JdbcClient jdbc;

    ActivationLinkController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record ActivationLink(String link) {
    }

    @GetMapping(PATH)
    ActivationLink link(@RequestParam String username) {
        FieldErrors errors = new FieldErrors();
        Username name = errors.parse("username", username, Username::of);
        errors.throwIfAny();
        return jdbc.sql("""
                        select o.raw_token from invitation_outbox o join username_lookup u using (user_id)
                        where u.username_key = ?""")
                .param(name.key())
                .query(String.class)
                .optional()
                .map(token -> new ActivationLink(ServletUriComponentsBuilder.fromCurrentContextPath()
                        .path(AccountSetupController.PATH).buildAndExpand(token).toUriString()))
                .orElseThrow(() -> new NotFoundException("no unsent invitation for this user"));
    }
}
