package io.portalusers.query.history;

import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.web.Page;
import org.springframework.context.ApplicationContext;

import java.util.UUID;

/** A user's history computed as the endpoint computes it, without HTTP: for the B5 benchmark. */
public final class HistoryTestAccess {

    private final UserHistoryController controller;
    private final EventLog log;

    public HistoryTestAccess(ApplicationContext context) {
        this.controller = context.getBean(UserHistoryController.class);
        this.log = context.getBean(EventLog.class);
    }

    /** Only the read of the user's events from the event store, deserialized. */
    public long events(UUID user) {
        return log.of(user.toString()).size();
    }

    /** Every entry of the user's history in one piece, as the JSON Lines answer has them (before writing them). */
    public long allEntries(AuditReader reader, UUID user) {
        return controller.entries(reader, user).size();
    }

    /** The first page of the user's history at the largest page size. */
    public long firstPage(AuditReader reader, UUID user) {
        return controller.history(reader, user, 0, Page.MAX_SIZE).items().size();
    }

    /** Every entry of the user's history, page by page at the largest page size; returns how many. */
    public long fullHistory(AuditReader reader, UUID user) {
        long read = 0;
        for (int page = 0; ; page++) {
            Page<HistoryEntry> entries = controller.history(reader, user, page, Page.MAX_SIZE);
            read += entries.items().size();
            if (read >= entries.total() || entries.items().isEmpty()) {
                return read;
            }
        }
    }
}
