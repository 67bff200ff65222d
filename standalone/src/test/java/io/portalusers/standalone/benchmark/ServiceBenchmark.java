package io.portalusers.standalone.benchmark;

import io.portalusers.standalone.ApiTest;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;

/**
 * A benchmark of the service booted as the API tests boot it. It times the service, so its
 * client does not check each answer against the OpenAPI document as the tests' clients do.
 */
abstract class ServiceBenchmark extends ApiTest {

    @Autowired
    private EventProcessingConfiguration processing;

    @Override
    protected boolean validatesAgainstOpenApi() {
        return false;
    }

    /**
     * Waits until every event processor has handled the whole log, so that what is timed next
     * does not share the machine with a backlog the previous phase left.
     */
    protected void settle(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            long head = head();
            boolean settled = processing.eventProcessors().values().stream()
                    .filter(StreamingEventProcessor.class::isInstance)
                    .map(StreamingEventProcessor.class::cast)
                    .filter(StreamingEventProcessor::isRunning)
                    .allMatch(processor -> !processor.processingStatus().isEmpty()
                            && processor.processingStatus().values().stream().allMatch(status -> status.isCaughtUp()
                            && status.getCurrentPosition().orElse(-1) >= head));
            if (settled) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the event processors did not catch up within " + atMost);
    }

    /** The global index of the log's last event (0 when empty). */
    protected long head() {
        Long head = jdbc.sql("select max(globalindex) from domainevententry").query(Long.class).single();
        return head == null ? 0 : head;
    }
}
