package io.portalusers.query.settings;

import io.portalusers.platform.security.AnonymousEndpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/** The registration settings are read without a token, by the sign-up page of a visitor (rate limited). */
@Configuration(proxyBeanMethods = false)
class RegistrationSettingsEndpoints {

    @Bean
    AnonymousEndpoints registrationSettingsEndpoint() {
        return AnonymousEndpoints.of(HttpMethod.GET, RegistrationSettingsController.PATH);
    }
}
