package io.portalusers.platform.embedded;

import io.portalusers.api.user.Username;
import io.portalusers.platform.actor.ActorDirectory;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import io.portalusers.platform.PlatformEnvironment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.RestController;

/**
 * Embedded default only: a token for any user by username, for trying the API with curl.
 * It stands in for the sign-in that a real deployment's identity provider performs.
 */
@RestController
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
public class LocalTokenController {

    static final String PATH = "/api/dev/token";

    private final LocalTokens tokens;
    private final ActorDirectory directory;

    LocalTokenController(LocalTokens tokens, ActorDirectory directory) {
        this.tokens = tokens;
        this.directory = directory;
    }

    @GetMapping(PATH)
    LocalTokens.IssuedToken token(@RequestParam String username) {
        FieldErrors errors = new FieldErrors();
        Username name = errors.parse("username", username, Username::of);
        errors.throwIfAny();
        return directory.findByUsernameKey(name.key())
                .map(tokens::issue)
                .orElseThrow(() -> new NotFoundException("no such user"));
    }
}
