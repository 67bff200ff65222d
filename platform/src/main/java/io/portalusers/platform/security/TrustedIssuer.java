package io.portalusers.platform.security;

import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * An issuer whose tokens this service accepts, with the decoder that checks them (signature,
 * expiry, the issuer itself and this service's audience). Each source of tokens contributes
 * one: a configured external identity provider, the service's own sign-in, and the embedded
 * default's development tokens. A token is routed by its {@code iss} to its issuer's decoder;
 * a token of any other issuer is a 401.
 */
public record TrustedIssuer(String issuer, JwtDecoder decoder) {
}
