package io.portalusers.command.registration;

import io.portalusers.platform.security.AnonymousEndpoints;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

@Configuration(proxyBeanMethods = false)
class RegistrationConfiguration {

    @Bean
    RegistrationExpiry registrationExpiry(@Value("${portal.registration.expiry}") Duration expiry) {
        return new RegistrationExpiry(Clock.systemUTC(), expiry);
    }

    /**
     * The registration process's commands run on threads of their own, outside the event
     * processor's transaction. Not an Executor bean: one would replace Spring's task executor.
     */
    @Bean(destroyMethod = "close")
    SystemCommands registrationSystemCommands(CommandGateway commands) {
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "registration-process");
            thread.setDaemon(true);
            return thread;
        });
        return new SystemCommands(commands, threads) {
            @Override
            public void close() {
                threads.shutdown();
            }
        };
    }

    /** R-REG-1: anyone may submit a registration; deciding on one needs a Portal Admin's token. */
    @Bean
    AnonymousEndpoints registrationEndpoints() {
        return AnonymousEndpoints.of(HttpMethod.POST, RegistrationCommandController.PATH);
    }
}
