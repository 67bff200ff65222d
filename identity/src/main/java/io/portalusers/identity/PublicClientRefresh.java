package io.portalusers.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.authentication.AuthenticationConverter;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Refresh tokens for the public client {@code portal}, rotated on every use. Spring
 * Authorization Server issues none to a client without a secret, since such a client cannot
 * prove who it is when it comes back; OAuth 2.1 and the browser-app BCP allow them when each
 * refresh token is single use (a stolen one is then worth one refresh, and using it voids the
 * legitimate holder's, which shows). Here: a refresh token for every client that may use the
 * grant, never reused ({@code reuseRefreshTokens(false)}), bound to the client it was issued to
 * (the grant checks that), and a public client is recognized at the token endpoint by its
 * {@code client_id} when it sends a refresh token and no credentials.
 */
final class PublicClientRefresh {

    private PublicClientRefresh() {
    }

    /** Issues a refresh token whenever the client may use the grant, public clients included. */
    static OAuth2TokenGenerator<OAuth2RefreshToken> refreshTokens() {
        StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
        return context -> {
            if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                    || !context.getRegisteredClient().getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
                return null;
            }
            Instant issued = Instant.now();
            return new OAuth2RefreshToken(values.generateKey(), issued,
                    issued.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
        };
    }

    /** A refresh request with a {@code client_id} and no credentials: a public client's. */
    static AuthenticationConverter converter() {
        return (HttpServletRequest request) -> {
            if (!"POST".equals(request.getMethod())
                    || !AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))
                    || request.getHeader(HttpHeaders.AUTHORIZATION) != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
                    || request.getParameterValues(OAuth2ParameterNames.CLIENT_ID) == null
                    || request.getParameterValues(OAuth2ParameterNames.CLIENT_ID).length != 1) {
                return null;
            }
            return new OAuth2ClientAuthenticationToken(request.getParameter(OAuth2ParameterNames.CLIENT_ID),
                    ClientAuthenticationMethod.NONE, null, Map.of());
        };
    }

    /** Authenticates such a request when the client is registered as public and may refresh. */
    static AuthenticationProvider provider(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken presented = (OAuth2ClientAuthenticationToken) authentication;
                if (!ClientAuthenticationMethod.NONE.equals(presented.getClientAuthenticationMethod())
                        || presented.getCredentials() != null) {
                    return null;
                }
                RegisteredClient client = clients.findByClientId(String.valueOf(presented.getPrincipal()));
                if (client == null
                        || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                        || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
                    throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
                }
                return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

}
