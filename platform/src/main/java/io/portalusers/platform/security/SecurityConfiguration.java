package io.portalusers.platform.security;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Callers present a JWT bearer token whose subject is their user id. What they may do is
 * decided from this service's own state (see {@link ActorAuthenticationConverter}). Machine
 * clients only read what their scopes cover (see {@link MachineClients}). Metrics are for
 * Portal Admins and allowed scrapers.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final String[] OPERATIONS = {
            "/actuator/health", "/actuator/health/**", "/actuator/info",
            "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error"};

    @Bean
    SecurityFilterChain api(HttpSecurity http, ActorAuthenticationConverter actors, ProblemSecurityHandlers problems,
                            ObjectProvider<AnonymousEndpoints> anonymous, ObjectProvider<MachineReads> machineReads,
                            ActorDirectory directory, List<TrustedIssuer> issuers) throws Exception {
        List<AnonymousEndpoints> open = anonymous.orderedStream().toList();
        MachineClients machines = new MachineClients(machineReads.orderedStream().toList());
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> {
                    // first: a machine client reads what its scopes cover (the audit record and reports), nothing else
                    a.requestMatchers(machines::outsideGrantedReads).denyAll();
                    a.requestMatchers(OPERATIONS).permitAll();
                    // metrics tell an attacker what the service does and how much: Portal Admins and allowed scrapers only
                    a.requestMatchers(MachineClients.METRICS).access((caller, context) ->
                            new AuthorizationDecision(isMetricsReader(caller.get(), directory)));
                    for (AnonymousEndpoints endpoints : open) {
                        a.requestMatchers(endpoints.matchers().toArray(RequestMatcher[]::new)).permitAll();
                    }
                    a.anyRequest().authenticated();
                })
                .oauth2ResourceServer(o -> o
                        .authenticationManagerResolver(byIssuer(issuers, actors))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    /** Each trusted issuer's tokens go to its own decoder; a token of any other issuer is refused. */
    private static JwtIssuerAuthenticationManagerResolver byIssuer(List<TrustedIssuer> issuers,
                                                                   ActorAuthenticationConverter actors) {
        Map<String, AuthenticationManager> managers = new HashMap<>();
        for (TrustedIssuer trusted : issuers) {
            JwtAuthenticationProvider provider = new JwtAuthenticationProvider(new VerifiedTokens(trusted.decoder()));
            provider.setJwtAuthenticationConverter(actors);
            if (managers.put(trusted.issuer(), new ProviderManager(provider)) != null) {
                throw new IllegalStateException("two token sources claim the issuer " + trusted.issuer());
            }
        }
        return new JwtIssuerAuthenticationManagerResolver(managers::get);
    }

    private static boolean isMetricsReader(Authentication caller, ActorDirectory directory) {
        if (caller instanceof MachineClientAuthentication client) {
            return client.has(MachineClientAuthentication.METRICS_READ);
        }
        return caller instanceof JwtAuthenticationToken user
                && directory.find(UserId.of(user.getName())).map(Actor::isPortalAdmin).orElse(false);
    }
}
