package io.portalusers.command.user;

import io.portalusers.api.user.InvitationId;
import io.portalusers.platform.security.AnonymousEndpoints;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.time.Clock;
import java.time.Duration;

@Configuration(proxyBeanMethods = false)
class InvitationConfiguration {

    /** Invitations are issued and checked by the system clock, or by a {@link Clock} bean where one exists (tests). */
    @Bean
    InvitationIssuer invitationIssuer(@Value("${portal.invitations.ttl}") Duration ttl, ObjectProvider<Clock> clock) {
        return new InvitationIssuer(clock.getIfAvailable(Clock::systemUTC), ttl, InvitationId::random);
    }

    /** Argon2id with Spring Security's current parameters (R-ACT-3). */
    @Bean
    PasswordEncoder passwordEncoder() {
        return Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    }

    @Bean
    AnonymousEndpoints accountSetupEndpoints() {
        return AnonymousEndpoints.of("/api/account-setup/*");
    }
}
