package io.portalusers.platform.embedded;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.security.AnonymousEndpoints;
import io.portalusers.platform.security.TokenBinding;
import io.portalusers.platform.security.TrustedIssuer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * In the embedded default the service trusts its own local key, so that a newcomer can call
 * the API at once. Outside it, tokens come from the configured issuer only and none of this
 * exists (neither the key nor the token endpoint).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
public class LocalTokenConfiguration {

    @Bean
    RSAKey localSigningKey(@Value("${portal.embedded.data-dir}") Path dataDir) {
        return LocalSigningKey.loadOrCreate(dataDir.resolve("jwt-signing-key.json"));
    }

    /** The development tokens: signed with the local key, issued by {@value LocalTokens#ISSUER}, for this service. */
    @Bean
    TrustedIssuer localTokenIssuer(RSAKey localSigningKey,
                                   @Value("${" + PlatformEnvironment.AUDIENCES + "}") List<String> audiences)
            throws JOSEException {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(localSigningKey.toRSAPublicKey()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(LocalTokens.ISSUER), TokenBinding.audience(audiences)));
        return new TrustedIssuer(LocalTokens.ISSUER, decoder);
    }

    @Bean
    LocalTokens localTokens(RSAKey localSigningKey, @Value("${" + PlatformEnvironment.AUDIENCES + "}") List<String> audiences,
                            @Value("${portal.embedded.token-ttl}") Duration ttl) {
        return new LocalTokens(new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(localSigningKey))), audiences.get(0),
                ttl, Clock.systemUTC());
    }

    @Bean
    AnonymousEndpoints localTokenEndpoint() {
        return AnonymousEndpoints.of(LocalTokenController.PATH);
    }
}
