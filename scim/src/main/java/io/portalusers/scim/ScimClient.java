package io.portalusers.scim;

import io.portalusers.api.SchemeId;
import io.portalusers.platform.security.MachineClientAuthentication;
import io.portalusers.platform.security.ScimClients;
import org.springframework.stereotype.Component;

/**
 * The caller of a SCIM endpoint: a registered SCIM client holding {@code scim:write}, and the
 * scheme whose users it provisions. The security filters let only such clients reach
 * {@code /scim/v2}; a user's token gets here only if they did not, and is refused.
 */
@Component
class ScimClient {

    private final ScimClients clients;

    ScimClient(ScimClients clients) {
        this.clients = clients;
    }

    /** The scheme the calling SCIM client provisions; a 403 for any other caller. */
    SchemeId scheme() {
        return MachineClientAuthentication.current()
                .filter(client -> client.has(MachineClientAuthentication.SCIM_WRITE))
                .flatMap(client -> clients.schemeOf(client.clientId()))
                .orElseThrow(() -> new ScimException(403, null, "only a registered SCIM client (scim:write) calls SCIM"));
    }
}
