package io.portalusers.platform.web.idempotency;

import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/** Deletes expired idempotency records; db-scheduler runs it on one node at a time. */
@Component
class IdempotencyKeyPurge extends RecurringTask<Void> {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

    private final IdempotencyKeys keys;

    IdempotencyKeyPurge(IdempotencyKeys keys, @Value("${portal.idempotency.purge-interval}") Duration interval) {
        super("idempotency-key-purge", FixedDelay.of(interval), Void.class);
        this.keys = keys;
    }

    @Override
    public void executeRecurringly(TaskInstance<Void> instance, ExecutionContext context) {
        int purged = keys.purgeExpired(Instant.now());
        log.debug("Purged {} expired idempotency records", purged);
    }
}
