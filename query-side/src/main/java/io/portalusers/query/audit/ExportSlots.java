package io.portalusers.query.audit;

import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.TooManyRequestsException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many exports run at once. Each holds a database connection and a transaction for as
 * long as it streams, so without a bound a few callers could take the pool from everyone:
 * at most {@code per-caller} at a time for one caller and {@code total} for the node; past
 * either, the request is refused at once with 429 (and {@code Retry-After}) rather than queued.
 */
@Component
class ExportSlots {

    static final String CODE = "export-limit";

    private final int perCaller;
    private final int total;
    private final AtomicInteger running = new AtomicInteger();
    private final Map<String, AtomicInteger> byCaller = new ConcurrentHashMap<>();

    ExportSlots(@Value("${portal.audit.export.concurrent-per-caller}") int perCaller,
                @Value("${portal.audit.export.concurrent-total}") int total) {
        if (perCaller < 1 || total < perCaller) {
            throw new IllegalArgumentException("portal.audit.export: need 1 <= concurrent-per-caller <= concurrent-total");
        }
        this.perCaller = perCaller;
        this.total = total;
    }

    /** A slot for {@code reader}'s export, or a 429; release it when the export ends, however it ends. */
    Slot take(AuditReader reader) {
        String caller = reader.userId().map(Object::toString)
                .orElseGet(() -> reader instanceof AuditReader.MachineClient client ? "client:" + client.clientId() : "?");
        AtomicInteger mine = byCaller.computeIfAbsent(caller, c -> new AtomicInteger());
        if (mine.incrementAndGet() > perCaller) {
            release(caller, mine);
            throw refused("you have " + perCaller + " exports running; wait for one to end");
        }
        if (running.incrementAndGet() > total) {
            running.decrementAndGet();
            release(caller, mine);
            throw refused("this node runs " + total + " exports already; try again shortly");
        }
        return new Slot(caller, mine);
    }

    private void release(String caller, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            byCaller.remove(caller, count);
        }
    }

    private static TooManyRequestsException refused(String detail) {
        return new TooManyRequestsException(CODE, detail, Duration.ofSeconds(5));
    }

    final class Slot implements AutoCloseable {

        private final String caller;
        private final AtomicInteger count;
        private boolean released;

        private Slot(String caller, AtomicInteger count) {
            this.caller = caller;
            this.count = count;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                running.decrementAndGet();
                release(caller, count);
            }
        }
    }
}
