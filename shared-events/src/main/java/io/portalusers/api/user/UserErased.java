package io.portalusers.api.user;

import io.portalusers.api.UserId;

/**
 * R-ERASE-1: the user's personal data was shredded (the key it was encrypted with is gone), the
 * actor and time in the metadata. From here on every reader shows the user's personal fields
 * as erased, and the user takes no more commands. Carries no personal data itself: it must
 * stay readable after the erasure it records.
 */
public record UserErased(UserId userId, String reason) {
}
