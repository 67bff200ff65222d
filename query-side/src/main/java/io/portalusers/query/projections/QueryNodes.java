package io.portalusers.query.projections;

import io.portalusers.platform.PeriodicTask;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The query-side nodes sharing this database. Each node writes its id and the database's time
 * into {@code query_node} every {@code portal.query-nodes.heartbeat} and deletes its row when
 * it stops; a row not renewed for {@code portal.query-nodes.timeout} is a node that died.
 *
 * <p>A rebuild needs to know whether any other node runs the processors: its processor would go
 * on claiming segments while this node resets them. Axon's token claims alone do not tell: a
 * pooled streaming processor claims every free segment, so the first node to start holds all of
 * them and a second node runs with none until the first dies; only the heartbeat shows that
 * second node. Claims are checked as well, for a node that writes no heartbeat (one of an older
 * version during an upgrade).
 */
@Component
class QueryNodes {

    private static final Logger log = LoggerFactory.getLogger(QueryNodes.class);

    /** The owner Axon's JDBC token store writes into its claims by default: this JVM's name, {@code pid@host}. */
    private final String claimOwner = ManagementFactory.getRuntimeMXBean().getName();
    /** This node: the JVM, and a suffix of its own for each service context in it. */
    private final String id = claimOwner + "/" + UUID.randomUUID().toString().substring(0, 8);
    private final JdbcClient jdbc;
    private final Duration timeout;
    private final Duration claimTimeout;

    QueryNodes(JdbcClient jdbc, @Value("${portal.query-nodes.timeout}") Duration timeout,
               @Value("${axon.eventhandling.tokenstore.claim-timeout:10s}") Duration claimTimeout) {
        this.jdbc = jdbc;
        this.timeout = timeout;
        this.claimTimeout = claimTimeout;
    }

    String id() {
        return id;
    }

    /** This node is alive, as of the database's clock. */
    void beat() {
        jdbc.sql("""
                        insert into query_node (node_id, started_at, seen_at) values (?, now(), now())
                        on conflict (node_id) do update set seen_at = now()""")
                .param(id)
                .update();
    }

    /** A node that stops says so: a rebuild right after need not wait for its heartbeat to age. */
    @PreDestroy
    void leave() {
        try {
            jdbc.sql("delete from query_node where node_id = ?").param(id).update();
        } catch (RuntimeException e) {
            log.info("Could not remove this query node's heartbeat ({}); it ages out", e.getClass().getSimpleName());
        }
    }

    /**
     * The other nodes that run {@code processor} now: a heartbeat newer than the timeout, or a
     * claim on one of its segments newer than Axon's claim timeout under another owner than this
     * JVM. Empty when this node is alone.
     */
    List<String> othersRunning(String processor) {
        List<String> others = new ArrayList<>(jdbc.sql("""
                        select node_id || ' (alive ' || round(extract(epoch from now() - seen_at))::int || ' s ago)'
                        from query_node
                        where node_id <> ? and seen_at > now() - make_interval(secs => ?)
                        order by node_id""")
                .params(id, timeout.toMillis() / 1000.0)
                .query(String.class)
                .list());
        others.addAll(jdbc.sql("""
                        select owner || ' (claims segments ' || string_agg(segment::text, ', ' order by segment) || ')'
                        from tokenentry
                        where processorname = ? and owner is not null and owner <> ?
                          and timestamp::timestamptz > now() - make_interval(secs => ?)
                        group by owner
                        order by owner""")
                .params(processor, claimOwner, claimTimeout.toMillis() / 1000.0)
                .query(String.class)
                .list());
        return others;
    }

    @Bean
    static PeriodicTask queryNodeHeartbeat(QueryNodes nodes, @Value("${portal.query-nodes.heartbeat}") Duration interval) {
        return new PeriodicTask("query-node-heartbeat", Duration.ZERO, interval, nodes::beat);
    }
}
