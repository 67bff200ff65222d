package io.portalusers.platform.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verified-token cache in front of a real Nimbus decoder with a real RSA key. */
class VerifiedTokensTest {

    private static RSAKey key;
    private static RSAKey otherKey;

    private final AtomicInteger verifications = new AtomicInteger();

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    /** The real decoder of {@code key}, counting the tokens it is asked to verify. */
    private JwtDecoder counted() throws Exception {
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        return token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
    }

    private static String token(RSAKey signer, Instant expiresAt, Map<String, Object> extra) {
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().subject("someone").issuedAt(Instant.now()).expiresAt(expiresAt);
        extra.forEach(claims::claim);
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(signer)))
                .encode(JwtEncoderParameters.from(claims.build())).getTokenValue();
    }

    @Test
    void a_token_verified_once_is_not_verified_again_while_it_lives() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(counted());
        String token = token(key, Instant.now().plusSeconds(300), Map.of());

        Jwt first = tokens.decode(token);
        Jwt again = tokens.decode(token);

        assertThat(again.getSubject()).isEqualTo("someone");
        assertThat(again).isSameAs(first);
        assertThat(verifications).hasValue(1);
    }

    @Test
    void a_remembered_token_past_its_expiry_and_the_allowed_skew_is_refused() throws Exception {
        Instant expiresAt = Instant.now().plusSeconds(30);
        MutableClock clock = new MutableClock(Instant.now());
        VerifiedTokens tokens = new VerifiedTokens(counted(), clock);
        String token = token(key, expiresAt, Map.of());
        tokens.decode(token);

        clock.now = expiresAt.plusSeconds(59);
        assertThat(tokens.decode(token).getSubject()).as("within the skew of Spring's default validator").isEqualTo("someone");

        clock.now = expiresAt.plus(Duration.ofSeconds(61));
        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class);
        assertThat(verifications).as("refused from what was remembered").hasValue(1);
    }

    @Test
    void a_token_that_fails_verification_is_never_remembered() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(counted());
        String forged = token(otherKey, Instant.now().plusSeconds(300), Map.of());

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThat(verifications).as("each attempt verified afresh").hasValue(2);
    }

    @Test
    void a_token_bound_to_a_client_certificate_goes_through_the_certificate_check_at_every_use() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(counted());
        String bound = token(key, Instant.now().plusSeconds(300), Map.of("cnf", Map.of("x5t#S256", "abc")));

        // Spring's default validators compare the claim with the request's client certificate; there is none here
        assertThatThrownBy(() -> tokens.decode(bound)).hasMessageContaining("X509Certificate");
        assertThatThrownBy(() -> tokens.decode(bound)).hasMessageContaining("X509Certificate");
        assertThat(verifications).hasValue(2);
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
