package io.portalusers.platform.security;

import io.portalusers.api.SchemeId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SCIM clients a Portal Admin registered by configuration ({@code portal.security.scim-clients},
 * entries {@code clientId=schemeId}): each is an identity provider that provisions the users of
 * one authentication scheme, and only those. A client id on this list may hold the
 * {@value MachineClientAuthentication#SCIM_WRITE} scope; its token still has to be bound to this
 * service like every other (R-AUTH-2).
 */
@Component
public class ScimClients {

    private final Map<String, SchemeId> schemes;

    public ScimClients(@Value("${portal.security.scim-clients:}") List<String> configured) {
        Map<String, SchemeId> parsed = new HashMap<>();
        for (String entry : configured) {
            String stripped = entry.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            int separator = stripped.lastIndexOf('=');
            String clientId = separator < 0 ? "" : stripped.substring(0, separator).strip();
            if (!ActorAuthenticationConverter.CLIENT_ID.matcher(clientId).matches()) {
                throw new IllegalStateException("portal.security.scim-clients: an entry is not clientId=schemeId");
            }
            try {
                parsed.put(clientId, SchemeId.of(stripped.substring(separator + 1).strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("portal.security.scim-clients: the scheme of " + clientId + " is not a UUID");
            }
        }
        this.schemes = Map.copyOf(parsed);
    }

    /** The scheme whose users the client provisions; empty for a client that is no SCIM client. */
    public Optional<SchemeId> schemeOf(String clientId) {
        return Optional.ofNullable(schemes.get(clientId));
    }

    java.util.Set<String> clientIds() {
        return schemes.keySet();
    }
}
