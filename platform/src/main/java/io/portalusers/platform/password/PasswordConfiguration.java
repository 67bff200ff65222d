package io.portalusers.platform.password;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The password rule, one bean for every module that sets passwords. */
@Configuration(proxyBeanMethods = false)
class PasswordConfiguration {

    @Bean
    PasswordPolicy passwordPolicy() {
        return PasswordPolicy.withEmbeddedList();
    }
}
