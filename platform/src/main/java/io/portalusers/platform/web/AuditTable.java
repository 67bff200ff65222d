package io.portalusers.platform.web;

import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.AuditReader;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A page of an audit record table (commands, sign-ins, passwords), newest first: each filter
 * the caller gave narrows it, and a reader who does not read everything sees only the rows of
 * the organizations it administers (the table's {@code organizations} column). Every such
 * table has {@code id}, {@code recorded_at} and, where readers are scoped, {@code organizations}.
 */
public final class AuditTable {

    private final String table;
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new HashMap<>();

    private AuditTable(String table) {
        this.table = table;
    }

    /** {@code table}: a constant of the caller's, never request data. */
    public static AuditTable of(String table) {
        return new AuditTable(table);
    }

    /** Narrows to {@code sql} (which names {@code :name}) when {@code value} was given; else leaves it. */
    public AuditTable where(String sql, String name, Object value) {
        if (value != null) {
            conditions.add(sql);
            params.put(name, value);
        }
        return this;
    }

    /** Rows recorded from {@code from} (inclusive) to {@code to} (exclusive), either end open when null. */
    public AuditTable recordedBetween(Instant from, Instant to) {
        return where("recorded_at >= :from", "from", from == null ? null : Timestamp.from(from))
                .where("recorded_at < :to", "to", to == null ? null : Timestamp.from(to));
    }

    /** What {@code reader} may read: everything, or the rows of the organizations it administers. */
    public AuditTable readableBy(AuditReader reader, Set<OrganizationId> administered) {
        return reader.readsEverything() ? this : where("organizations && :organizations", "organizations",
                administered.stream().map(OrganizationId::value).toArray(UUID[]::new));
    }

    public <T> Page<T> page(JdbcClient jdbc, Page.Request request, RowMapper<T> rows) {
        String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        List<T> items = jdbc.sql("select * from " + table + where
                        + " order by recorded_at desc, id desc limit :limit offset :offset")
                .params(params).param("limit", request.size()).param("offset", request.offset())
                .query(rows).list();
        long total = jdbc.sql("select count(*) from " + table + where).params(params).query(Long.class).single();
        return request.of(items, total);
    }
}
