package io.portalusers.platform.security;

import io.portalusers.platform.PlatformEnvironment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * A token is this service's only when its issuer and its audience say so (R-AUTH-2). Outside
 * the embedded default an issuer (an external one, or the service's own sign-in) and the
 * audience are required settings (the service does not start without them, see
 * {@link PlatformEnvironment}), and this decoder checks them whichever key source is
 * configured: a JWKS address, a public key, or the issuer's discovery document. Spring Boot's
 * own decoder would skip the issuer with a public key, or ignore the key and fetch the
 * issuer's discovery document when both are set. The embedded default binds its own tokens
 * the same way (see the embedded package).
 */
@Configuration(proxyBeanMethods = false)
public class TokenBinding {

    /** An external identity provider's tokens, when one is configured (required unless the service signs users in itself). */
    @Bean
    @ConditionalOnExpression("'${" + PlatformEnvironment.ISSUER + ":}' != ''")
    TrustedIssuer externalIssuer(JwtDecoder jwtDecoder, OAuth2ResourceServerProperties properties) {
        return new TrustedIssuer(properties.getJwt().getIssuerUri(), jwtDecoder);
    }

    @Bean
    @ConditionalOnExpression("'${" + PlatformEnvironment.ISSUER + ":}' != ''")
    JwtDecoder jwtDecoder(OAuth2ResourceServerProperties properties) throws IOException, GeneralSecurityException {
        OAuth2ResourceServerProperties.Jwt settings = properties.getJwt();
        OAuth2TokenValidator<Jwt> bound = new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(settings.getIssuerUri()), audience(settings.getAudiences()));
        List<SignatureAlgorithm> algorithms = settings.getJwsAlgorithms().stream().map(SignatureAlgorithm::from).toList();
        NimbusJwtDecoder decoder;
        if (settings.getJwkSetUri() != null && !settings.getJwkSetUri().isBlank()) {
            decoder = NimbusJwtDecoder.withJwkSetUri(settings.getJwkSetUri())
                    .jwsAlgorithms(set -> set.addAll(algorithms)).build();
        } else if (settings.getPublicKeyLocation() != null) {
            decoder = NimbusJwtDecoder.withPublicKey(rsaPublicKey(settings.readPublicKey()))
                    .signatureAlgorithm(algorithms.get(0)).build();
        } else {
            return new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder discovered = NimbusJwtDecoder.withIssuerLocation(settings.getIssuerUri())
                        .jwsAlgorithms(set -> set.addAll(algorithms)).build();
                discovered.setJwtValidator(bound);
                return discovered;
            });
        }
        decoder.setJwtValidator(bound);
        return decoder;
    }

    /** Valid when the token's {@code aud} names at least one of {@code audiences}; a token without one is not. */
    public static OAuth2TokenValidator<Jwt> audience(List<String> audiences) {
        List<String> expected = List.copyOf(audiences);
        return new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.stream().anyMatch(expected::contains));
    }

    private static RSAPublicKey rsaPublicKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
    }
}
