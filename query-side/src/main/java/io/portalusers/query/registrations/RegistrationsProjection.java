package io.portalusers.query.registrations;

import io.portalusers.api.privacy.Erased;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.UserErased;
import io.portalusers.api.user.Username;
import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationExpired;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.api.registration.RegistrationRejected;
import io.portalusers.api.registration.RegistrationSubmitted;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Folds registration events into {@code registration_view}. Its token is stored in the same
 * transaction as the rows; the version guard makes a redelivered event change nothing.
 * Submissions that named an existing user's email or username are not requests and are not
 * projected (R-REG-4; they are in the event log).
 */
@Component
@ProcessingGroup(RegistrationsProjection.NAME)
class RegistrationsProjection {

    static final String NAME = "registrations";

    private final JdbcClient jdbc;

    RegistrationsProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RegistrationSubmitted event, @SequenceNumber long version, @Timestamp Instant at) {
        jdbc.sql("""
                        insert into registration_view (registration_id, username, email, first_name, last_name, language,
                                                       organization_name, status, awaits_approval, submitted_at,
                                                       expires_at, version)
                        values (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)
                        on conflict (registration_id) do nothing""")
                .params(event.registrationId().value(), event.username().value(), event.email().value(),
                        event.name().firstName(), event.name().lastName(), event.language().tag(),
                        event.organizationName().value(), event.awaitsApproval(), utc(at),
                        event.expiresAt() == null ? null : utc(event.expiresAt()), version)
                .update();
    }

    @EventHandler
    void on(RegistrationAccepted event, @SequenceNumber long version, @Timestamp Instant at,
            @MetaDataValue(RequestMetadata.ACTOR_ID) String actor) {
        update(event.registrationId().value(), version, """
                        status = 'ACCEPTED', organization_id = ?, user_id = ?,
                        decided_at = case when ? then ? else decided_at end,
                        decided_by = case when ? then ? else decided_by end""",
                event.organizationId().value(), event.userId().value(),
                event.approved(), utc(at), event.approved(), actor);
    }

    @EventHandler
    void on(RegistrationRejected event, @SequenceNumber long version, @Timestamp Instant at,
            @MetaDataValue(RequestMetadata.ACTOR_ID) String actor) {
        update(event.registrationId().value(), version, "status = 'REJECTED', decided_at = ?, decided_by = ?, reason = ?",
                utc(at), actor, event.reason());
    }

    @EventHandler
    void on(RegistrationExpired event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.registrationId().value(), version, "status = 'EXPIRED', decided_at = ?", utc(at));
    }

    @EventHandler
    void on(RegistrationCompleted event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.registrationId().value(), version, "status = 'COMPLETED', completed_at = ?", utc(at));
    }

    @EventHandler
    void on(RegistrationFailed event, @SequenceNumber long version) {
        update(event.registrationId().value(), version, "status = 'FAILED', failure_code = ?", event.code());
    }

    /**
     * R-ERASE-1: the registrations that became the erased user keep their row, with the personal
     * fields as a rebuild reads them once the keys are gone (an erased registration's reason too).
     */
    @EventHandler
    void on(UserErased event) {
        jdbc.sql("""
                        update registration_view set username = ?, email = ?, first_name = ?, last_name = ?,
                            reason = case when reason is null then null else ? end
                        where user_id = ?""")
                .params(Username.ERASED.value(), EmailAddress.ERASED.value(), PersonName.ERASED.firstName(),
                        PersonName.ERASED.lastName(), Erased.TEXT, event.userId().value())
                .update();
    }

    @ResetHandler
    void reset() {
        jdbc.sql("delete from registration_view").update();
    }

    private void update(UUID id, long version, String assignments, Object... values) {
        Object[] params = new Object[values.length + 3];
        System.arraycopy(values, 0, params, 0, values.length);
        params[values.length] = version;
        params[values.length + 1] = id;
        params[values.length + 2] = version;
        jdbc.sql("update registration_view set " + assignments + ", version = ? where registration_id = ? and version < ?")
                .params(params)
                .update();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
