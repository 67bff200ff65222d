package io.portalusers.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.security.SecurityRefusals;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.security.ClientAddresses;
import org.springframework.beans.factory.ObjectProvider;
import io.portalusers.platform.security.TokenBinding;
import io.portalusers.platform.security.AnonymousEndpoints;
import io.portalusers.platform.security.TrustedIssuer;
import io.portalusers.platform.security.ClientAddresses;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;


/**
 * The service's own OpenID Connect provider (R-AUTH-3), built on Spring Authorization Server:
 * discovery, authorization code with PKCE, tokens, JWKS, revocation, introspection, user info
 * and end-session. Its access tokens carry this service's audience and the user id as
 * subject, and the API trusts them as it trusts any configured issuer (see
 * {@link TrustedIssuer}). Runs where {@code portal.identity.issuer} is set, and on the
 * embedded default.
 */
@Configuration(proxyBeanMethods = false)
@OnSignIn
@EnableConfigurationProperties(IdentityProperties.class)
@PropertySource("classpath:identity-defaults.properties")
public class IdentityConfiguration {

    /** The public client of the portal's own web app and of scripts (RFC 8252 loopback redirects on the embedded default). */
    public static final String PORTAL_CLIENT = "portal";
    /** The loopback redirect the embedded default allows, for curl and native tools; any port matches (RFC 8252). */
    public static final String LOOPBACK_REDIRECT = "http://127.0.0.1/callback";
    static final String SIGN_IN = "/login";
    /** The public client of the admin console, which signs in with authorization code and PKCE from its server. */
    public static final String CONSOLE_CLIENT = "console";
    /** Argon2id with Spring Security's current parameters: how sign-in checks passwords and how resets and changes store them. */
    static final PasswordEncoder PASSWORDS = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();

    /** The issuer: as configured, or on the embedded default this machine's address and port. */
    @Bean
    IdentityIssuer identityIssuer(IdentityProperties properties, Environment environment) {
        String configured = properties.issuer();
        if (configured != null && !configured.isBlank()) {
            return new IdentityIssuer(configured.strip());
        }
        return new IdentityIssuer("http://localhost:" + environment.getProperty("server.port", "8080"));
    }

    record IdentityIssuer(String url) {
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain authorizationServer(HttpSecurity http, IdentityTokens identityTokens, JwtEncoder encoder,
                                            OAuth2TokenCustomizer<JwtEncodingContext> claims,
                                            RegisteredClientRepository clients, SignInSessions sessions,
                                            SignInAuditLog audit, ClientAddresses addresses) throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        JwtGenerator jwts = new JwtGenerator(encoder);
        jwts.setJwtCustomizer(claims);
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s
                        .oidc(oidc -> oidc.logoutEndpoint(logout -> logout.logoutResponseHandler(
                                signedOut(new OidcLogoutAuthenticationSuccessHandler(), audit, addresses))))
                        .tokenGenerator(new DelegatingOAuth2TokenGenerator(jwts, PublicClientRefresh.refreshTokens()))
                        .clientAuthentication(c -> c
                                .authenticationConverters(converters -> converters.add(0, PublicClientRefresh.converter()))
                                .authenticationProviders(providers -> {
                                    providers.add(0, PublicClientRefresh.provider(clients));
                                    // client secrets are stored with their encoder's id ({bcrypt}...); the
                                    // service's PasswordEncoder bean is the account passwords' Argon2 alone
                                    providers.forEach(provider -> {
                                        if (provider instanceof ClientSecretAuthenticationProvider secrets) {
                                            secrets.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
                                        }
                                    });
                                })))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                // a browser that is not signed in goes to the sign-in page; the user info endpoint takes a token
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint(SIGN_IN), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                .oauth2ResourceServer(r -> r.jwt(jwt -> jwt.decoder(identityTokens.decoder())))
                // a browser's sign-in ends when its user's password changes (R-AUTH-4)
                .addFilterAfter(sessions.ending(), SecurityContextHolderFilter.class);
        return http.build();
    }

    /** A sign-out at the end-session endpoint that ended a session at the provider is in the sign-in audit record (SIGNED_OUT). */
    private static AuthenticationSuccessHandler signedOut(AuthenticationSuccessHandler logout, SignInAuditLog audit,
                                                          ClientAddresses clients) {
        return (request, response, authentication) -> {
            if (authentication instanceof OidcLogoutAuthenticationToken ended && ended.isPrincipalAuthenticated()) {
                Authentication user = (Authentication) ended.getPrincipal();
                audit.record(new SignInAuditLog.Entry(SignInAuditLog.Outcome.SIGNED_OUT, userId(user.getName()), null,
                        clientOf(ended), clients.of(request), request.getHeader("User-Agent"),
                        RequestMetadata.currentCorrelationId()));
            }
            logout.onAuthenticationSuccess(request, response, authentication);
        };
    }

    private static String clientOf(OidcLogoutAuthenticationToken ended) {
        if (ended.getClientId() != null) {
            return ended.getClientId();
        }
        List<String> audience = ended.getIdToken() == null ? null : ended.getIdToken().getAudience();
        return audience == null || audience.isEmpty() ? null : audience.get(0);
    }

    private static UUID userId(String name) {
        try {
            return UUID.fromString(name);
        } catch (IllegalArgumentException notAUser) {
            return null;
        }
    }

    /**
     * The sign-in form. Its password check sits behind the throttle (R-AUTH-3), and each
     * attempt's outcome is published as Spring Security's authentication events (a throttled
     * one as {@link SignInThrottledEvent}), with the attempt's {@link SignInDetails}.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 11)
    SecurityFilterChain signIn(HttpSecurity http, LocalAccounts accounts, SignInSessions sessions, SignInThrottle throttle,
                               SecurityRefusals refusals, ClientAddresses addresses, RegisteredClientRepository registered,
                               ApplicationEventPublisher events) throws Exception {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(PASSWORDS);
        ProviderManager manager = new ProviderManager(new ThrottledPasswords(passwords, accounts, throttle, refusals));
        DefaultAuthenticationEventPublisher publisher = new DefaultAuthenticationEventPublisher(events);
        publisher.setAdditionalExceptionMappings(
                Map.of(ThrottledPasswords.SignInThrottledException.class, SignInThrottledEvent.class));
        manager.setAuthenticationEventPublisher(publisher);
        http.securityMatcher(SIGN_IN)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .authenticationManager(attempt -> withPlainDetails(manager.authenticate(attempt)))
                .formLogin(form -> form.loginPage(SIGN_IN).failureUrl(SIGN_IN + "?error")
                        .authenticationDetailsSource(SignInDetails.source(addresses, registered))
                        .successHandler(sessions.stamping(new SavedRequestAwareAuthenticationSuccessHandler())));
        return http.build();
    }

    /**
     * The signed-in user as the session and the authorization store keep it: its details are
     * Spring's plain ones again, as the store writes the principal as JSON and reads back only
     * the types Spring Security allows. The events have been published with {@link SignInDetails}.
     */
    private static Authentication withPlainDetails(Authentication signedIn) {
        if (!(signedIn.getDetails() instanceof SignInDetails details)) {
            return signedIn;
        }
        UsernamePasswordAuthenticationToken plain = UsernamePasswordAuthenticationToken.authenticated(
                signedIn.getPrincipal(), null, signedIn.getAuthorities());
        plain.setDetails(new WebAuthenticationDetails(details.address(), null));
        return plain;
    }

    /** Identity's clock: the system's, or a {@link Clock} bean where one exists (tests move it). */
    private static Clock clock(ObjectProvider<Clock> clock) {
        return clock.getIfAvailable(Clock::systemUTC);
    }

    @Bean
    SignInSessions signInSessions(JdbcClient jdbc, ObjectProvider<Clock> clock) {
        return new SignInSessions(jdbc, clock(clock));
    }

    @Bean
    PasswordAudit passwordAudit(JdbcClient jdbc, ClientAddresses addresses, ObjectProvider<Clock> clock) {
        return new PasswordAudit(jdbc, addresses, clock(clock));
    }

    /** Forgot password is for people who cannot sign in: anonymous, and rate limited as every anonymous endpoint. */
    @Bean
    AnonymousEndpoints passwordResetEndpoints() {
        return AnonymousEndpoints.of(PasswordResetController.REQUESTS, "/api/password-resets/*");
    }

    @Bean
    SignInAuditLog signInAuditLog(JdbcClient jdbc) {
        return new SignInAuditLog(jdbc, Clock.systemUTC());
    }

    @Bean
    SignInAuditListener signInAuditListener(SignInAuditLog log) {
        return new SignInAuditListener(log);
    }

    @Bean
    LoginHashes loginHashes(JdbcClient jdbc) {
        return new LoginHashes(jdbc);
    }

    @Bean
    LocalAccounts localAccounts(JdbcClient jdbc, LoginHashes logins) {
        return new LocalAccounts(jdbc, logins);
    }

    /** On the system clock, or on a {@link Clock} bean where one exists (tests). */
    @Bean
    SignInThrottle signInThrottle(JdbcClient jdbc, TransactionTemplate transactions, IdentityProperties properties,
                                  ObjectProvider<Clock> clock) {
        return new SignInThrottle(jdbc, transactions, properties.throttle(), clock.getIfAvailable(Clock::systemUTC));
    }

    /** Each node purges; a purge is one idempotent delete. */
    @Bean
    PeriodicTask signInThrottlePurge(SignInThrottle throttle, IdentityProperties properties) {
        Duration interval = properties.throttle().purgeInterval();
        return new PeriodicTask("sign-in-throttle-purge", interval, interval, throttle::purge);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(IdentityIssuer issuer) {
        return AuthorizationServerSettings.builder().issuer(issuer.url()).build();
    }

    @Bean
    RegisteredClientRepository registeredClients(IdentityProperties properties, Environment environment,
                                                 @Value("${" + PlatformEnvironment.EMBEDDED + ":false}") boolean embedded) {
        TokenSettings tokens = TokenSettings.builder()
                .accessTokenTimeToLive(properties.accessTokenTtl())
                .refreshTokenTimeToLive(properties.refreshTokenTtl())
                .reuseRefreshTokens(false)
                .build();
        List<String> redirects = new ArrayList<>(properties.portalClient().redirectUris());
        if (embedded && !redirects.contains(LOOPBACK_REDIRECT)) {
            redirects.add(LOOPBACK_REDIRECT);
        }
        List<RegisteredClient> clients = new ArrayList<>();
        clients.add(publicClient(PORTAL_CLIENT, redirects, redirects, tokens));
        List<String> consoleRedirects = new ArrayList<>(properties.consoleClient().redirectUris());
        List<String> consoleSignedOut = new ArrayList<>(properties.consoleClient().postLogoutRedirectUris());
        if (embedded) {
            // the console this JVM serves, at the address the embedded default is used by
            String console = "http://localhost:" + environment.getProperty("server.port", "8080") + "/console";
            consoleRedirects.add(console + "/login/oauth2/code/" + CONSOLE_CLIENT);
            consoleSignedOut.add(console);
        }
        if (!consoleRedirects.isEmpty()) {
            clients.add(publicClient(CONSOLE_CLIENT, consoleRedirects, consoleSignedOut, tokens));
        }
        properties.machineClients().forEach((id, client) -> clients.add(RegisteredClient.withId(id)
                .clientId(id)
                .clientSecret(client.secret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(client.scopes()))
                .tokenSettings(tokens)
                .build()));
        return new InMemoryRegisteredClientRepository(clients);
    }

    @Bean
    OAuth2AuthorizationService authorizations(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationService(jdbc, clients);
    }

    @Bean
    SigningKeys signingKeys(JdbcClient jdbc, TransactionTemplate transactions, IdentityProperties properties) {
        return new SigningKeys(jdbc, transactions, properties.keyRotation(),
                properties.accessTokenTtl().plus(SigningKeys.REFRESH), Clock.systemUTC());
    }

    @Bean
    JwtEncoder identityTokenEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(keys.signing());
    }

    /** Access tokens are for this service: its audience, whatever client asked for them. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> serviceAudience(
            @Value("${" + PlatformEnvironment.AUDIENCES + "}") List<String> audiences) {
        return context -> {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                // an ArrayList: the authorization store writes the claims as JSON with their types and reads
                // back only the types Spring Security allows; List.of's is not one, and every later read of
                // the authorization (refresh, logout, revocation, introspection) failed
                context.getClaims().audience(new ArrayList<>(List.of(audiences.get(0))));
            }
        };
    }

    /**
     * The decoder of this provider's own tokens: its keys, its issuer, this service's audience.
     * Not a {@code JwtDecoder} bean: a configured external issuer has that, and each source of
     * tokens is looked up by its issuer (see {@link TrustedIssuer}).
     */
    @Bean
    IdentityTokens identityTokens(SigningKeys keys, IdentityIssuer issuer,
                                  @Value("${" + PlatformEnvironment.AUDIENCES + "}") List<String> audiences) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer.url()), TokenBinding.audience(audiences)));
        return new IdentityTokens(decoder);
    }

    record IdentityTokens(JwtDecoder decoder) {
    }

    @Bean
    TrustedIssuer identityIssuerTrusted(IdentityIssuer issuer, IdentityTokens identityTokens) {
        return new TrustedIssuer(issuer.url(), identityTokens.decoder());
    }


    /** A client that runs where it cannot keep a secret (a browser, or the console's users): code with PKCE. */
    private static RegisteredClient publicClient(String id, List<String> redirects, List<String> signedOut,
                                                 TokenSettings tokens) {
        return RegisteredClient.withId(id)
                .clientId(id)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(redirects))
                .postLogoutRedirectUris(uris -> uris.addAll(signedOut))
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .tokenSettings(tokens)
                .build();
    }
}
