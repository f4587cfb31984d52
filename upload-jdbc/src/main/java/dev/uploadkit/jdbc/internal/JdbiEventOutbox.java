package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.EventOutbox;
import dev.uploadkit.core.event.UploadEvent;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * {@link EventOutbox} on the {@code events} table, within one transaction. Claims lock rows with
 * {@code FOR UPDATE SKIP LOCKED} (H2 2, PostgreSQL, MariaDB 10.6+, MySQL 8), so concurrent relays take
 * disjoint events without waiting for each other.
 */
final class JdbiEventOutbox implements EventOutbox {
    private static final RowMapper<Pending> PENDING =
            (rs, ctx) -> new Pending(rs.getLong("id"), EventJson.read(rs.getString("payload")));

    private final Tx tx;
    private final Vendor vendor;

    JdbiEventOutbox(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
    }

    @Override
    public void append(UploadEvent event) {
        Objects.requireNonNull(event, "event");
        String payload = EventJson.write(event);
        tx.run(h -> h.createUpdate("INSERT INTO events (project_id, type, payload, created_at)"
                        + " VALUES (:project_id, :type, :payload, :created_at)")
                .bind("project_id", vendor.uuid(event.projectId()))
                .bind("type", event.type().wireName())
                .bind("payload", payload)
                .bind("created_at", vendor.instant(event.occurredAt()))
                .execute());
    }

    @Override
    public List<Pending> claimPending(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (vendor != Vendor.H2) {
            // PostgreSQL: ordered as the index (delivered_at, id), so that it is read in order and only up to the
            // limit, rather than every entry of delivered_at IS NULL, delivered events' old versions included (a
            // bitmap scan and a sort: 10 ms a claim at 20,000 events since the last vacuum); a plain index scan also
            // marks the old versions' entries dead, so that the next claims skip them. (InnoDB would lock every row
            // such an order examines.)
            String order = vendor == Vendor.POSTGRESQL ? "delivered_at, id" : "id";
            return tx.run(h -> h.createQuery("SELECT id, payload FROM events WHERE delivered_at IS NULL"
                            + " ORDER BY " + order + " LIMIT :limit FOR UPDATE SKIP LOCKED")
                    .bind("limit", limit)
                    .map(PENDING)
                    .list());
        }
        // H2 locks every row an ORDER BY ... LIMIT ... FOR UPDATE examined, not only those returned: pick the
        // candidates without locks, then lock those still pending.
        return tx.run(h -> {
            List<Long> candidates = h.createQuery("SELECT id FROM events WHERE delivered_at IS NULL ORDER BY id"
                            + " LIMIT :limit")
                    .bind("limit", limit)
                    .mapTo(Long.class)
                    .list();
            if (candidates.isEmpty()) {
                return List.of();
            }
            var query = h.createQuery("SELECT id, payload FROM events WHERE delivered_at IS NULL AND id IN ("
                    + placeholders(candidates.size()) + ") ORDER BY id FOR UPDATE SKIP LOCKED");
            bindSeqs(query, candidates);
            return query.map(PENDING).list();
        });
    }

    @Override
    public void markDelivered(Collection<Long> seqs, Instant at) {
        Objects.requireNonNull(at, "at");
        if (seqs.isEmpty()) {
            return;
        }
        tx.run(h -> {
            var update = h.createUpdate("UPDATE events SET delivered_at = :at WHERE delivered_at IS NULL AND id IN ("
                    + placeholders(seqs.size()) + ")").bind("at", vendor.instant(at));
            bindSeqs(update, seqs);
            return update.execute();
        });
    }

    @Override
    public long countPending() {
        return tx.run(h -> h.createQuery("SELECT COUNT(*) FROM events WHERE delivered_at IS NULL")
                .mapTo(Long.class).one());
    }

    @Override
    public int purgeDelivered(Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        return tx.run(h -> {
            List<Long> seqs = h.createQuery("SELECT id FROM events WHERE delivered_at < :before ORDER BY delivered_at"
                            + " LIMIT :limit")
                    .bind("before", vendor.instant(before)).bind("limit", limit).mapTo(Long.class).list();
            if (seqs.isEmpty()) {
                return 0;
            }
            var delete = h.createUpdate("DELETE FROM events WHERE id IN (" + placeholders(seqs.size()) + ")");
            bindSeqs(delete, seqs);
            return delete.execute();
        });
    }

    private static String placeholders(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(":s" + i);
        }
        return String.join(", ", names);
    }

    private static void bindSeqs(SqlStatement<?> statement, Collection<Long> seqs) {
        int i = 0;
        for (Long seq : seqs) {
            statement.bind("s" + i++, seq.longValue());
        }
    }
}
