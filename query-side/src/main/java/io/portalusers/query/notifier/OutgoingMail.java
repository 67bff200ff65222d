package io.portalusers.query.notifier;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An email of the outbox as a dispatcher claimed it. */
record OutgoingMail(String messageId, MailKind kind, UUID userId, UUID invitationId, String recipient,
                    String language, Map<String, String> params, int attempts, Instant createdAt) {
}
