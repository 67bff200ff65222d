package io.portalusers.command.user;

import io.portalusers.platform.security.LinkToken;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.security.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.commandhandling.GenericCommandMessage;
import io.portalusers.api.UserId;
import io.portalusers.api.user.ActivateAccount;
import io.portalusers.platform.password.AccountPasswords;
import io.portalusers.platform.password.PasswordPolicy;
import io.portalusers.platform.problem.Problems;
import io.portalusers.platform.problem.RuleViolationException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * The account setup form behind an activation link, for anyone holding its token
 * (R-ACT-1..4). Every token that does not open a pending invitation right now (expired,
 * used, superseded, another user's, forged) gets one and the same answer.
 */
@RestController
class AccountSetupController {

    static final String PATH = "/api/account-setup/{token}";

    private final InvitationTokens tokens;
    private final InvitationIssuer issuer;
    private final PasswordPolicy passwords;
    private final AccountPasswords credentials;
    private final CommandGateway commands;
    private final TransactionTemplate transactions;
    private final ClientAddresses clients;

    AccountSetupController(InvitationTokens tokens, InvitationIssuer issuer, PasswordPolicy passwords,
                           AccountPasswords credentials, CommandGateway commands, TransactionTemplate transactions,
                           ClientAddresses clients) {
        this.clients = clients;
        this.tokens = tokens;
        this.issuer = issuer;
        this.passwords = passwords;
        this.credentials = credentials;
        this.commands = commands;
        this.transactions = transactions;
    }

    record SetupForm(String username, String firstName, String lastName) {
    }

    record SetupRequest(String password) {
    }

    static final class InvalidInvitation extends RuntimeException {
        InvalidInvitation() {
            super("invalid invitation", null, false, false);
        }
    }

    /** R-ACT-4: following the link shows the form and consumes nothing. */
    @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    SetupForm form(@PathVariable String token) {
        return LinkToken.parse(token)
                .flatMap(t -> tokens.find(t, issuer.now()))
                .map(i -> new SetupForm(i.username(), i.firstName(), i.lastName()))
                .orElseThrow(InvalidInvitation::new);
    }

    /**
     * R-ACT-1: completing the form sets the password and activates the account. The token is
     * marked used, the event appended and the password stored (by the module that keeps
     * credentials, {@link AccountPasswords}) in one transaction: all
     * of it happens once or not at all, however many submissions of one link race.
     */
    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> complete(@PathVariable String token, @RequestBody SetupRequest body, HttpServletRequest request) {
        LinkToken presented = LinkToken.parse(token).orElseThrow(InvalidInvitation::new);
        Instant now = issuer.now();
        UserId activated = transactions.execute(status -> {
            InvitationTokens.PendingInvitation invitation = tokens.consume(presented, now)
                    .orElseThrow(InvalidInvitation::new);
            passwords.check(body.password(), invitation.username());
            try {
                // the holder of a valid link acts as its user: the history names the user, and from where
                commands.sendAndWait(GenericCommandMessage.asCommandMessage(
                                new ActivateAccount(invitation.userId(), invitation.invitationId()))
                        .andMetaData(Map.of(RequestMetadata.ACTOR_ID, invitation.userId().toString(),
                                RequestMetadata.SOURCE_ADDRESS, clients.of(request))));
            } catch (RuleViolationException | AggregateNotFoundException refused) {
                throw new InvalidInvitation();
            }
            credentials.setFirst(invitation.userId(), body.password(), now);
            return invitation.userId();
        });
        return Map.of("id", activated.toString(), "activation", "ACTIVE");
    }

    @ExceptionHandler(InvalidInvitation.class)
    ResponseEntity<ProblemDetail> invalid() {
        ProblemDetail body = Problems.of(HttpStatus.NOT_FOUND, "invalid-invitation",
                "this activation link is not valid (any more); ask for a new invitation");
        // not the request's path: it holds the token, and the answer must not differ by token
        body.setInstance(URI.create("/api/account-setup"));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
