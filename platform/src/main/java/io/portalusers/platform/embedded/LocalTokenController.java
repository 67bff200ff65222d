package io.portalusers.platform.embedded;

import io.portalusers.api.UserId;
import io.portalusers.api.user.Username;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.actor.Usernames;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.security.SecurityRefusals;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Embedded default only: a token for any user by username, or for a machine client by its
 * client id, for trying the API with curl. It stands in for the sign-in (and the client
 * credentials grant) that a real deployment's identity provider performs.
 *
 * <p>It answers only a caller on this machine (R-AUTH-2): the connection must have come in
 * over the loopback interface from a loopback address, and not through a proxy (no
 * forwarding header), since a proxy on this machine would make every caller a local one.
 * Anyone else gets the 404 of a path that does not exist. {@code portal.embedded.dev-tokens}
 * switches it off altogether.
 */
@RestController
@ConditionalOnProperty(name = {PlatformEnvironment.EMBEDDED, "portal.embedded.dev-tokens"}, havingValue = "true")
public class LocalTokenController {

    static final String PATH = "/api/dev/token";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");

    private final LocalTokens tokens;
    /** Absent on a node without the command side, which then knows no usernames. */
    private final ObjectProvider<Usernames> usernames;
    private final SecurityRefusals refusals;

    LocalTokenController(LocalTokens tokens, ObjectProvider<Usernames> usernames, SecurityRefusals refusals) {
        this.tokens = tokens;
        this.usernames = usernames;
        this.refusals = refusals;
    }

    @GetMapping(path = PATH, params = "username")
    LocalTokens.IssuedToken token(@RequestParam String username, @RequestParam(defaultValue = "") String scope,
                                  HttpServletRequest request) {
        requireLoopback(request);
        FieldErrors errors = new FieldErrors();
        Username name = errors.parse("username", username, Username::of);
        String scopes = errors.parse("scope", scope, LocalTokenController::scope);
        errors.throwIfAny();
        return usernames.stream().findFirst().flatMap(directory -> directory.holderOf(name.key()))
                .map(user -> tokens.issue(user, scopes))
                .orElseThrow(() -> new NotFoundException("no such user"));
    }

    /** A client credentials token: subject the client id, {@code scope} as asked (audit:read for auditors). */
    @GetMapping(path = PATH, params = {"client", "!username"})
    LocalTokens.ClientToken clientToken(@RequestParam String client, @RequestParam(defaultValue = "") String scope,
                                        HttpServletRequest request) {
        requireLoopback(request);
        FieldErrors errors = new FieldErrors();
        String clientId = errors.parse("client", client, LocalTokenController::clientId);
        String scopes = errors.parse("scope", scope, LocalTokenController::scope);
        errors.throwIfAny();
        return tokens.issueForClient(clientId, scopes);
    }

    private void requireLoopback(HttpServletRequest request) {
        if (!overLoopback(request)) {
            refusals.record(SecurityRefusals.Reason.DEV_TOKEN_NOT_LOOPBACK, request, "the development token endpoint answers local callers only");
            throw new NotFoundException("no such resource");
        }
    }

    static boolean overLoopback(HttpServletRequest request) {
        return isLoopback(request.getLocalAddr()) && isLoopback(request.getRemoteAddr())
                && request.getHeader("Forwarded") == null && request.getHeader("X-Forwarded-For") == null;
    }

    private static boolean isLoopback(String address) {
        if (address == null || !(address.matches("[0-9.]{7,15}") || address.matches("[0-9A-Fa-f:.]{2,45}"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress(); // a literal address: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Letters, digits and {@code . _ -}; never a user id, so that no client token is a user's. */
    private static String clientId(String text) {
        if (!CLIENT_ID.matcher(text).matches()) {
            throw new InvalidValueException("client", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        try {
            UserId.of(text);
        } catch (RuntimeException notAUserId) {
            return text;
        }
        throw new InvalidValueException("client", "must not be a user id");
    }

    /** RFC 6749 scope tokens separated by single spaces, or none. */
    private static String scope(String text) {
        if (!text.isEmpty() && !SCOPE.matcher(text).matches()) {
            throw new InvalidValueException("scope", "must be scope names separated by single spaces");
        }
        return text;
    }
}
