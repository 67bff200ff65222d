package io.portalusers.platform.privacy;

import io.portalusers.api.privacy.Erased;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * R-ERASE-1, the platform's part, in the transaction that appends the erasure: shreds the
 * person's keys (and those of the registrations that became the person), deletes the emails
 * not sent to them yet and blanks the recipient and contents of those sent, forgets their
 * address, and purges the Idempotency-Key answers that could replay their data (those they
 * asked for, and those that name them) and the reasons given with commands on them (free
 * texts that may name them). What is left names them by id only.
 */
@Component
public class PersonalDataErasure {

    private final PersonalDataKeys keys;
    private final JdbcClient jdbc;

    PersonalDataErasure(PersonalDataKeys keys, JdbcClient jdbc) {
        this.keys = keys;
        this.jdbc = jdbc;
    }

    /** Every subject erased with the person (the person first: the user id, then registration ids). */
    public List<String> erase(UUID person) {
        List<String> subjects = keys.shred(person.toString());
        for (String subject : subjects) {
            // the message ids of a registrant's emails name the registration
            String aboutIt = "%registration." + subject + ".%";
            jdbc.sql("delete from mail_outbox where status = 'PENDING' and (user_id::text = ? or message_id like ?)")
                    .params(subject, aboutIt).update();
            jdbc.sql("""
                            update mail_outbox set recipient = ?, params = '{}'::jsonb, last_error = null
                            where user_id::text = ? or message_id like ?""")
                    .params(Erased.TEXT, subject, aboutIt).update();
            // answers are kept sealed: those naming a person are found by their Location (the created
            // resource) and the caller; the body is searched only in answers kept in clear before
            jdbc.sql("""
                            delete from idempotency_key where caller_id::text = ? or position(? in body) > 0
                                or position(? in coalesce(location, '')) > 0""")
                    .params(subject, subject.getBytes(StandardCharsets.UTF_8), subject).update();
        }
        // free texts that may name them; the commands themselves stay recorded
        jdbc.sql("update command_audit set reason = ? where target_id = ? and reason is not null")
                .params(Erased.TEXT, person.toString()).update();
        jdbc.sql("delete from mail_recipient where user_id = ?").param(person).update();
        jdbc.sql("delete from invitation_outbox where user_id = ?").param(person).update();
        jdbc.sql("delete from mail_link_token where user_id = ?").param(person).update();
        return subjects;
    }
}
