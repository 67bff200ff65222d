package io.portalusers.console;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The admin console at {@value #ROOT}: its own security filter chain (a browser session,
 * sign-in through the service's OpenID Connect provider with authorization code and PKCE,
 * CSRF on), matched before the API's stateless chain and only on the console's paths, so the
 * API's rules for bearer tokens are untouched. The signed-in admin's tokens stay in the
 * session on the server (backend for frontend); the pages act through the REST API with them.
 *
 * <p>The console shares the browser's session cookie with the sign-in page when both run in one
 * JVM, so it keeps its sign-in and its saved request under keys of its own: the sign-in's
 * session stays what the authorization server expects.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleConfiguration {

    public static final String ROOT = "/console";
    static final String AUTHORIZATION_BASE = ROOT + "/oauth2/authorization";
    static final String CONTEXT_KEY = "CONSOLE_SECURITY_CONTEXT";
    /**
     * Pages anybody may open: the assets, the account setup page of an invited user, the sign-in failure,
     * forgot password and the new password, sign-up.
     */
    private static final String[] OPEN = {ROOT + "/assets/**", ROOT + "/webjars/**", ROOT + "/account-setup/**",
            ROOT + "/sign-in-failed", ROOT + "/password-reset", ROOT + "/password-reset/**", ROOT + "/sign-up"};

    @Bean
    SignInRegistration consoleSignInRegistration(ConsoleProperties properties, Environment environment) {
        return new SignInRegistration(properties, environment);
    }

    @Bean
    OAuth2AuthorizedClientRepository consoleAuthorizedClients() {
        return new HttpSessionOAuth2AuthorizedClientRepository();
    }

    @Bean
    OAuth2AuthorizedClientManager consoleTokens(SignInRegistration registrations,
                                                OAuth2AuthorizedClientRepository consoleAuthorizedClients) {
        DefaultOAuth2AuthorizedClientManager manager =
                new DefaultOAuth2AuthorizedClientManager(registrations, consoleAuthorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken().build());
        return manager;
    }

    @Bean
    ConsoleApi consoleApi(ConsoleProperties properties, Environment environment, OAuth2AuthorizedClientManager consoleTokens) {
        return new ConsoleApi(() -> SignInRegistration.backChannel(properties, environment), consoleTokens);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    SecurityFilterChain console(HttpSecurity http, SignInRegistration registrations,
                                OAuth2AuthorizedClientRepository consoleAuthorizedClients) throws Exception {
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        contexts.setSpringSecurityContextKey(CONTEXT_KEY);
        HttpSessionRequestCache requests = new HttpSessionRequestCache();
        requests.setSessionAttrName("CONSOLE_SAVED_REQUEST");
        // signing out ends the session here and at the sign-in, then comes back to the console
        OidcClientInitiatedLogoutSuccessHandler signedOut = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}" + ROOT);
        http.securityMatcher(ROOT, ROOT + "/**")
                .securityContext(c -> c.securityContextRepository(contexts))
                .requestCache(c -> c.requestCache(requests))
                .authorizeHttpRequests(a -> a.requestMatchers(OPEN).permitAll().anyRequest().authenticated())
                .oauth2Login(login -> login
                        // no page of its own: a browser that is not signed in goes straight to the sign-in
                        .loginPage(AUTHORIZATION_BASE + "/" + SignInRegistration.ID)
                        .authorizationEndpoint(e -> e.baseUri(AUTHORIZATION_BASE))
                        .redirectionEndpoint(r -> r.baseUri(ROOT + "/login/oauth2/code/*"))
                        .authorizedClientRepository(consoleAuthorizedClients)
                        .failureUrl(ROOT + "/sign-in-failed")
                        .defaultSuccessUrl(ROOT + "/users"))
                // a partial update (htmx) whose session ended would swap the sign-in page into the table:
                // it is told to load the console afresh, which leads to the sign-in
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor((request, response, refused) -> {
                    response.setHeader("HX-Redirect", ROOT);
                    response.setStatus(401);
                }, request -> request.getHeader("HX-Request") != null))
                .logout(l -> l.logoutUrl(ROOT + "/logout").logoutSuccessHandler(signedOut));
        return http.build();
    }

    @Bean
    WebMvcConfigurer consoleAssets() {
        return new WebMvcConfigurer() {
            @Override
            public void addResourceHandlers(ResourceHandlerRegistry registry) {
                // htmx from its WebJar, served here: the console needs no third-party host
                registry.addResourceHandler(ROOT + "/webjars/**")
                        .addResourceLocations("classpath:/META-INF/resources/webjars/")
                        .resourceChain(true).addResolver(new LiteWebJarsResourceResolver());
                registry.addResourceHandler(ROOT + "/assets/**").addResourceLocations("classpath:/console/static/");
            }
        };
    }
}
