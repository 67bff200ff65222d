package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * An external IdP user signs in through a scheme (R-AUTH-1): create it the first time,
 * idempotently per (scheme, subject); with an IDP scheme, make its organization and role
 * follow the asserted attributes every time.
 */
public record ProvisionIdpUser(
        SchemeId schemeId,
        String subject,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        Map<String, String> attributes) {

    public ProvisionIdpUser {
        attributes = Map.copyOf(attributes);
    }

    /**
     * The key a (scheme, subject) pair is linked to its user by: the subject is personal data in
     * many identity providers, so only this hash is kept.
     */
    public static String subjectKey(SchemeId schemeId, String subject) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest((schemeId + "\u0000" + subject).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
