package io.portalusers.query.users;

import io.portalusers.api.UserId;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserErased;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Folds user events into {@code user_view} and {@code user_membership_view}. The events of a
 * processor batch (one unit of work) are collected per user, folded in memory over the rows
 * loaded in one query, and the changed rows written at once when the unit of work prepares to
 * commit: in the transaction that also stores the processor's token. An event applies only
 * when its sequence number is above the row's version, so a redelivered or older event
 * changes nothing (a token claim can be stolen after its timeout, so
 * an event can be delivered twice).
 */
@Component
@ProcessingGroup(UsersProjection.NAME)
class UsersProjection {

    static final String NAME = "users";

    /** Until the account setup form is completed (R-ADD-7, R-ACT-1). */
    static final String PENDING = "PENDING";
    static final String ACTIVE = "ACTIVE";

    /** The latest invitation: sent the user a link that still works (until it expires), was used, or was voided. */
    static final String INVITATION_ISSUED = "ISSUED";
    static final String INVITATION_USED = "USED";
    static final String INVITATION_REVOKED = "REVOKED";

    /** The unit of work's resource holding its batch. */
    static final String BATCH = UsersProjection.class.getName() + ".batch";
    /** The resource in which Axon's pooled processor names the segment of a batch's unit of work. */
    private static final String SEGMENT = "Processor[" + NAME + "]/SegmentId";

    private final UserViewWriter writer;
    private final HeldUserRows held;

    UsersProjection(UserViewWriter writer, HeldUserRows held) {
        this.writer = writer;
        this.held = held;
    }

    @EventHandler
    void on(UserCreated event, @SequenceNumber long version, @Timestamp Instant at) {
        add(event.userId(), new Change(version, utc(at), event, null));
    }

    @EventHandler
    void on(UserNameChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, row -> row.rename(event.name()));
    }

    @EventHandler
    void on(UserEmailChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, row -> row.changeEmail(event.email().value()));
    }

    @EventHandler
    void on(UserLanguageChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, row -> row.changeLanguage(event.language().tag()));
    }

    @EventHandler
    void on(AccountRoleChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, row -> row.changeRole(event.role().name()));
    }

    @EventHandler
    void on(MembershipsChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, row -> row.replaceMemberships(event.memberships()));
    }

    @EventHandler
    void on(UserEnabled event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, UserRow::enable);
    }

    @EventHandler
    void on(UserDisabled event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, UserRow::disable);
    }

    @EventHandler
    void on(InvitationIssued event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at,
                row -> row.issueInvitation(event.invitationId().value(), utc(at), utc(event.expiresAt())));
    }

    @EventHandler
    void on(UserActivated event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, UserRow::activate);
    }

    @EventHandler
    void on(UserErased event, @SequenceNumber long version, @Timestamp Instant at) {
        change(event.userId(), version, at, UserRow::erase);
    }

    /** A reset starts a rebuild aside the view; readers keep the view as it is until the replay is done. */
    @ResetHandler
    void reset() {
        writer.beginRebuild();
        held.rebuildBegins();
    }

    /** One event for a user: a creation, or a change of an existing row. */
    private record Change(long version, OffsetDateTime at, UserCreated created, Consumer<UserRow> change) {
    }

    private void change(UserId user, long version, Instant at, Consumer<UserRow> change) {
        add(user, new Change(version, utc(at), null, change));
    }

    /**
     * Adds the event to the batch of the current unit of work, which writes it before the
     * transaction commits; outside of one (not the case in a processor), writes it at once.
     */
    private void add(UserId user, Change change) {
        if (!CurrentUnitOfWork.isStarted()) {
            Batch batch = new Batch(null);
            batch.add(user.value(), change);
            batch.write();
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        unitOfWork.<Batch>getOrComputeResource(BATCH, key -> {
            Integer segment = unitOfWork.getResource(SEGMENT);
            Batch batch = new Batch(segment == null ? null : held.segment(segment));
            if (batch.segment != null) {
                // the segment's held rows are this batch's until its unit of work is done
                batch.segment.lock.lock();
                unitOfWork.onRollback(u -> batch.rolledBack());
                unitOfWork.onCleanup(u -> batch.segment.lock.unlock());
            }
            // a prepare-commit step, like the processor's storing of the token: both in the batch's transaction
            unitOfWork.onPrepareCommit(u -> batch.write());
            return batch;
        }).add(user.value(), change);
    }

    /**
     * The events of one unit of work, per user in the order they came. In a processor, the rows of
     * its segment held between batches ({@link HeldUserRows}) are folded on and written or held again.
     */
    final class Batch {

        private final Map<UUID, List<Change>> changes = new LinkedHashMap<>();
        private final HeldUserRows.Held segment;
        private UserViewWriter.Tables tables;
        private Boolean holding;
        /** Whether the segment's held rows were changed: lost if this batch rolls back. */
        private boolean touched;

        Batch(HeldUserRows.Held segment) {
            this.segment = segment;
        }

        void add(UUID user, Change change) {
            changes.computeIfAbsent(user, key -> new ArrayList<>()).add(change);
        }

        private UserViewWriter.Tables tables() {
            if (tables == null) {
                tables = writer.tables();
            }
            return tables;
        }

        /**
         * Whether this batch holds the rows it changed rather than write them: a batch into the
         * tables aside the view, while the segment may hold another batch. Replayed events or not:
         * a segment whose token lay behind at the reset (one that had stored none, say) meets
         * the events past it as new, and wrote every batch of them, a row once for every event
         * (a quarter of a million users' rows written five times in a rebuild at a million).
         * Decided once: the token store asks before the batch writes.
         */
        boolean holds() {
            if (holding == null) {
                holding = segment != null && segment.mayHoldAnotherBatch() && tables() == UserViewWriter.Tables.ASIDE;
            }
            return holding;
        }

        private void rolledBack() {
            if (touched) {
                segment.broken = true;
            }
        }

        void write() {
            UserViewWriter.Tables tables = tables();
            Map<UUID, UserRow> taken = segment == null ? Map.of() : segment.take(changes.keySet());
            touched |= !taken.isEmpty();
            Map<UUID, UserRow> stored = new HashMap<>(taken);
            List<UUID> unheld = changes.keySet().stream().filter(user -> !taken.containsKey(user)).toList();
            if (!unheld.isEmpty()) {
                stored.putAll(writer.load(tables, unheld));
            }
            List<UserRow> changed = new ArrayList<>();
            changes.forEach((user, events) -> {
                UserRow row = stored.get(user);
                // a held row is unwritten: written or held again, changed or not
                boolean applied = taken.containsKey(user);
                for (Change event : events) {
                    if (event.created() != null) {
                        // a redelivered creation must not bring back what later events changed
                        if (row == null) {
                            row = UserRow.created(event.created(), event.version(), event.at());
                            applied = true;
                        }
                    } else if (row != null && row.version < event.version()) {
                        event.change().accept(row);
                        row.updatedAt = event.at();
                        row.version = event.version();
                        applied = true;
                    }
                }
                if (applied) {
                    changed.add(row);
                }
            });
            if (holds()) {
                touched = true;
                writer.write(tables, segment.hold(changed, changes.values().stream().mapToInt(List::size).sum()));
            } else {
                if (segment != null && !segment.isEmpty()) {
                    touched = true;
                    changed.addAll(segment.release(segment.latest));
                }
                writer.write(tables, changed);
            }
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
