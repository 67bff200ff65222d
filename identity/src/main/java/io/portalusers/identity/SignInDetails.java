package io.portalusers.identity;

import io.portalusers.platform.security.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationDetailsSource;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

import java.io.Serial;
import java.io.Serializable;

/**
 * What the sign-in form's request tells about an attempt, for the throttle and the audit
 * record: the client's address (behind trusted proxies, the forwarded one), the key the
 * throttle counts that client under, the OAuth client the user is signing in to (from the
 * authorization request that sent the browser here, if any) and the user agent, cut short.
 *
 * <p>{@link #subject} is filled in by {@link ThrottledPasswords} once it has resolved the
 * login, so that the authentication events Spring Security publishes for the attempt (read by
 * {@link SignInAuditListener}) say whom it was about without resolving the login again.
 */
final class SignInDetails implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    static final int USER_AGENT_LENGTH = 200;

    private final String address;
    private final String clientKey;
    private final String oauthClientId;
    private final String userAgent;
    private volatile SignInSubject subject;

    SignInDetails(String address, String clientKey, String oauthClientId, String userAgent) {
        this.address = address;
        this.clientKey = clientKey;
        this.oauthClientId = oauthClientId;
        this.userAgent = userAgent;
    }

    String address() {
        return address;
    }

    String clientKey() {
        return clientKey;
    }

    String oauthClientId() {
        return oauthClientId;
    }

    String userAgent() {
        return userAgent;
    }

    SignInSubject subject() {
        return subject;
    }

    void subject(SignInSubject resolved) {
        this.subject = resolved;
    }

    /** Printable ASCII only, at most {@code length} characters: it goes into the audit record as given. */
    static String printable(String text, int length) {
        if (text == null) {
            return null;
        }
        String kept = text.replaceAll("[^\\x20-\\x7e]", "?");
        return kept.length() > length ? kept.substring(0, length) : kept;
    }

    /** The details of the sign-in form's requests. */
    static AuthenticationDetailsSource<HttpServletRequest, SignInDetails> source(ClientAddresses clients,
                                                                                 RegisteredClientRepository registered) {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        return request -> {
            String address = clients.of(request);
            return new SignInDetails(address, ClientAddresses.budgetKey(address),
                    oauthClient(cache.getRequest(request, null), registered),
                    printable(request.getHeader("User-Agent"), USER_AGENT_LENGTH));
        };
    }

    /** The client id of the authorization request the browser was sent here from, when it is a client of this provider. */
    private static String oauthClient(SavedRequest saved, RegisteredClientRepository registered) {
        if (saved == null) {
            return null;
        }
        String[] ids = saved.getParameterValues("client_id");
        if (ids == null || ids.length != 1 || registered.findByClientId(ids[0]) == null) {
            return null;
        }
        return ids[0];
    }
}
