package io.portalusers.api.authscheme;

import io.portalusers.api.UserId;

public record ProvisioningResult(UserId userId, boolean created) {
}
