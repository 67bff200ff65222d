package io.portalusers.platform.problem;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProblemConfiguration {

    /** The unique constraints every module of this node declared; none where no module declares any. */
    @Bean
    UniqueConstraints uniqueConstraints(ObjectProvider<UniqueConstraint> declared) {
        return new UniqueConstraints(declared.orderedStream().toList());
    }
}
