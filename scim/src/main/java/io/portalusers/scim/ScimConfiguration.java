package io.portalusers.scim;

import io.portalusers.platform.security.MachineClientAuthentication;
import io.portalusers.platform.security.MachineReads;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import java.util.List;

@Configuration(proxyBeanMethods = false)
class ScimConfiguration {

    /**
     * A SCIM client calls /scim/v2 with every method SCIM uses, and nothing else of the API: its
     * token gets it no further than what an identity provider provisions.
     */
    @Bean
    MachineReads scimEndpoints() {
        return new MachineReads(MachineClientAuthentication.SCIM_WRITE,
                List.of(PathPatternRequestMatcher.withDefaults().matcher(Scim.BASE + "/**")));
    }
}
