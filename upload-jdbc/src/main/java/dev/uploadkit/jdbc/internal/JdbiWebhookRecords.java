package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.WebhookRecords;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookDelivery;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** {@link WebhookRecords} on the {@code webhooks} and {@code webhook_deliveries} tables, within one transaction. */
final class JdbiWebhookRecords implements WebhookRecords {
    private static final String WEBHOOK_COLUMNS = "id, project_id, url, events, is_active, disabled_reason,"
            + " consecutive_failures, created_at, updated_at";
    private static final String LOG_COLUMNS = "id, webhook_id, project_id, event_id, event_type, status, attempts,"
            + " next_attempt_at, last_status_code, last_latency_ms, last_error, created_at, updated_at, delivered_at";
    private static final String DUE_COLUMNS = "d.id, d.webhook_id, w.url, w.secret, d.event_type, d.payload,"
            + " d.attempts, d.status, d.lease_token";
    private static final String TOO_MANY_FAILURES = "Disabled after %d failed attempts in a row.";

    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<Webhook> webhookMapper;
    private final RowMapper<WebhookDelivery> logMapper;
    private final RowMapper<DueDelivery> dueMapper;

    JdbiWebhookRecords(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
        this.webhookMapper = (rs, ctx) -> new Webhook(vendor.uuid(rs, "id"), vendor.uuid(rs, "project_id"),
                URI.create(rs.getString("url")), events(rs.getString("events")), rs.getBoolean("is_active"),
                rs.getString("disabled_reason"), rs.getInt("consecutive_failures"), vendor.instant(rs, "created_at"),
                vendor.instant(rs, "updated_at"));
        this.logMapper = (rs, ctx) -> new WebhookDelivery(vendor.uuid(rs, "id"), vendor.uuid(rs, "webhook_id"),
                vendor.uuid(rs, "project_id"), vendor.uuid(rs, "event_id"),
                EventType.parse("event_type", rs.getString("event_type")),
                WebhookDelivery.Status.parse(rs.getString("status")), rs.getInt("attempts"),
                vendor.instant(rs, "next_attempt_at"), integer(rs, "last_status_code"), longValue(rs, "last_latency_ms"),
                rs.getString("last_error"), vendor.instant(rs, "created_at"), vendor.instant(rs, "updated_at"),
                vendor.instant(rs, "delivered_at"));
        this.dueMapper = (rs, ctx) -> new DueDelivery(vendor.uuid(rs, "id"), vendor.uuid(rs, "webhook_id"),
                URI.create(rs.getString("url")), rs.getString("secret"),
                EventType.parse("event_type", rs.getString("event_type")), rs.getString("payload"),
                rs.getInt("attempts"), WebhookDelivery.Status.parse(rs.getString("status")),
                vendor.uuid(rs, "lease_token"));
    }

    @Override
    public void insert(Webhook w, String secret) {
        tx.run(h -> h.createUpdate("INSERT INTO webhooks (id, project_id, url, events, secret, is_active,"
                        + " disabled_reason, consecutive_failures, created_at, updated_at) VALUES (:id, :project_id,"
                        + " :url, :events, :secret, :is_active, :disabled_reason, :failures, :created_at, :updated_at)")
                .bind("id", vendor.uuid(w.id())).bind("project_id", vendor.uuid(w.projectId()))
                .bind("url", w.url().toString()).bind("events", events(w.events())).bind("secret", secret)
                .bind("is_active", w.active()).bind("disabled_reason", w.disabledReason())
                .bind("failures", w.consecutiveFailures()).bind("created_at", vendor.instant(w.createdAt()))
                .bind("updated_at", vendor.instant(w.updatedAt())).execute());
    }

    @Override
    public Optional<Webhook> find(UUID projectId, UUID id) {
        return tx.run(h -> h.createQuery("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE id = :id"
                        + " AND project_id = :project_id")
                .bind("id", vendor.uuid(id)).bind("project_id", vendor.uuid(projectId))
                .map(webhookMapper).findOne());
    }

    @Override
    public List<Webhook> list(UUID projectId) {
        return tx.run(h -> h.createQuery("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE project_id = :project_id"
                        + " ORDER BY created_at, id")
                .bind("project_id", vendor.uuid(projectId)).map(webhookMapper).list());
    }

    @Override
    public List<Webhook> active(Collection<UUID> projectIds) {
        if (projectIds.isEmpty()) {
            return List.of();
        }
        return tx.run(h -> {
            var query = h.createQuery("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE is_active = TRUE"
                    + " AND project_id IN (" + placeholders("p", projectIds.size()) + ")");
            bindUuids(query, "p", projectIds);
            return query.map(webhookMapper).list();
        });
    }

    @Override
    public boolean update(Webhook w) {
        return tx.run(h -> h.createUpdate("UPDATE webhooks SET url = :url, events = :events, is_active = :is_active,"
                        + " disabled_reason = :disabled_reason, consecutive_failures = :failures,"
                        + " updated_at = :updated_at WHERE id = :id AND project_id = :project_id")
                .bind("id", vendor.uuid(w.id())).bind("project_id", vendor.uuid(w.projectId()))
                .bind("url", w.url().toString()).bind("events", events(w.events()))
                .bind("is_active", w.active()).bind("disabled_reason", w.disabledReason())
                .bind("failures", w.consecutiveFailures()).bind("updated_at", vendor.instant(w.updatedAt()))
                .execute()) == 1;
    }

    @Override
    public boolean delete(UUID projectId, UUID id) {
        return tx.run(h -> h.createUpdate("DELETE FROM webhooks WHERE id = :id AND project_id = :project_id")
                .bind("id", vendor.uuid(id)).bind("project_id", vendor.uuid(projectId)).execute()) == 1;
    }

    @Override
    public Optional<String> secret(UUID projectId, UUID id) {
        return tx.run(h -> h.createQuery("SELECT secret FROM webhooks WHERE id = :id AND project_id = :project_id")
                .bind("id", vendor.uuid(id)).bind("project_id", vendor.uuid(projectId))
                .mapTo(String.class).findOne());
    }

    @Override
    public List<StoredSecret> storedSecrets(UUID after, int limit) {
        return tx.run(h -> {
            var query = h.createQuery("SELECT id, secret FROM webhooks" + (after == null ? "" : " WHERE id > :after")
                    + " ORDER BY id LIMIT :limit").bind("limit", limit);
            if (after != null) {
                query.bind("after", vendor.uuid(after));
            }
            return query.map((rs, ctx) -> new StoredSecret(vendor.uuid(rs, "id"), rs.getString("secret"))).list();
        });
    }

    @Override
    public boolean replaceSecret(UUID id, String expected, String replacement) {
        return tx.run(h -> h.createUpdate("UPDATE webhooks SET secret = :replacement WHERE id = :id"
                        + " AND secret = :expected")
                .bind("id", vendor.uuid(id)).bind("expected", expected).bind("replacement", replacement)
                .execute()) == 1;
    }

    @Override
    public void enqueue(List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        tx.run(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO webhook_deliveries (id, webhook_id, project_id,"
                    + " event_id, event_type, payload, status, attempts, next_attempt_at, created_at, updated_at)"
                    + " VALUES (:id, :webhook_id, :project_id, :event_id, :event_type, :payload, 'pending', 0,"
                    + " :at, :at, :at)");
            for (NewDelivery d : deliveries) {
                batch.bind("id", vendor.uuid(d.id())).bind("webhook_id", vendor.uuid(d.webhookId()))
                        .bind("project_id", vendor.uuid(d.projectId())).bind("event_id", vendor.uuid(d.eventId()))
                        .bind("event_type", d.type().wireName()).bind("payload", d.payload())
                        .bind("at", vendor.instant(d.createdAt())).add();
            }
            return batch.execute();
        });
    }

    @Override
    public List<DueDelivery> claimDue(Instant now, Instant leaseUntil, int limit, int perWebhook,
                                      Map<UUID, Integer> room, String holder) {
        if (limit < 1) {
            return List.of();
        }
        if (vendor == Vendor.POSTGRESQL) {
            return claimDueInOneStatement(now, leaseUntil, limit, perWebhook, room, holder);
        }
        return tx.run(h -> {
            // Candidates without locks; the conditional UPDATE below takes those no other claim got first. Read from
            // the due index in its order, stopping at the limit, as on PostgreSQL: a join with the active webhooks
            // sorted every due delivery for each claim (H2, 20,000 due: 34.8 ms per claim against 0.4 ms).
            List<UUID> full = room.entrySet().stream().filter(e -> e.getValue() <= 0).map(Map.Entry::getKey).toList();
            String exclude = full.isEmpty() ? "" : " AND d.webhook_id NOT IN (" + placeholders("x", full.size()) + ")";
            var query = h.createQuery("SELECT d.id, d.webhook_id FROM webhook_deliveries d"
                            + " WHERE d.status = 'pending' AND d.next_attempt_at <= :now"
                            + " AND (d.lease_until IS NULL OR d.lease_until < :now) AND NOT EXISTS (SELECT 1"
                            + " FROM webhooks w WHERE w.id = d.webhook_id AND NOT w.is_active)" + exclude
                            + " ORDER BY d.status, d.next_attempt_at LIMIT :limit")
                    .bind("now", vendor.instant(now)).bind("limit", limit);
            bindUuids(query, "x", full);
            Map<UUID, Integer> left = new HashMap<>(room);
            List<UUID> chosen = new ArrayList<>();
            query.map((rs, ctx) -> Map.entry(vendor.uuid(rs, "id"), vendor.uuid(rs, "webhook_id"))).forEach(e -> {
                int free = left.getOrDefault(e.getValue(), perWebhook);
                if (free > 0) {
                    left.put(e.getValue(), free - 1);
                    chosen.add(e.getKey());
                }
            });
            if (chosen.isEmpty()) {
                return List.of();
            }
            UUID token = UUID.randomUUID();
            var lease = h.createUpdate("UPDATE webhook_deliveries SET lease_token = :token, lease_until = :until,"
                            + " lease_holder = :holder WHERE id IN (" + placeholders("c", chosen.size()) + ")"
                            + " AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)")
                    .bind("token", vendor.uuid(token)).bind("until", vendor.instant(leaseUntil))
                    .bind("holder", holder).bind("now", vendor.instant(now));
            bindUuids(lease, "c", chosen);
            if (lease.execute() == 0) {
                return List.of();
            }
            return h.createQuery("SELECT " + DUE_COLUMNS + " FROM webhook_deliveries d JOIN webhooks w"
                            + " ON w.id = d.webhook_id WHERE d.lease_token = :token ORDER BY d.next_attempt_at")
                    .bind("token", vendor.uuid(token)).map(dueMapper).list();
        });
    }

    /**
     * PostgreSQL: the same claim as the select, update and select of the other databases, in one statement. The
     * candidates are locked as they are read, skipping rows another claim has locked (so concurrent claims neither
     * wait for nor share a delivery); each webhook's room is applied by numbering its candidates in order.
     *
     * <p>The candidates are read from the due index in its order and stop at the limit, whatever the planner's
     * estimates (a queue's statistics are always stale, and without them a join with the active webhooks was planned
     * as a scan of every delivery each webhook ever had: 15 ms per claim at 60,000 rows): the order names the index's
     * columns, and the webhooks only exclude (an anti-join cannot be driven from the webhooks' side).
     */
    private List<DueDelivery> claimDueInOneStatement(Instant now, Instant leaseUntil, int limit, int perWebhook,
                                                     Map<UUID, Integer> room, String holder) {
        List<UUID> full = room.entrySet().stream().filter(e -> e.getValue() <= 0).map(Map.Entry::getKey).toList();
        List<Map.Entry<UUID, Integer>> partly = room.entrySet().stream().filter(e -> e.getValue() > 0).toList();
        StringBuilder roomOf = new StringBuilder(partly.isEmpty() ? ":per" : "CASE r.webhook_id");
        for (int i = 0; i < partly.size(); i++) {
            roomOf.append(" WHEN :r").append(i).append(" THEN :n").append(i);
        }
        if (!partly.isEmpty()) {
            roomOf.append(" ELSE :per END");
        }
        String exclude = full.isEmpty() ? "" : " AND d.webhook_id NOT IN (" + placeholders("x", full.size()) + ")";
        return tx.run(h -> {
            var query = h.createQuery("WITH candidates AS (SELECT d.id, d.webhook_id, d.next_attempt_at"
                            + " FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= :now"
                            + " AND (d.lease_until IS NULL OR d.lease_until < :now) AND NOT EXISTS (SELECT 1"
                            + " FROM webhooks w WHERE w.id = d.webhook_id AND NOT w.is_active)" + exclude
                            + " ORDER BY d.status, d.next_attempt_at LIMIT :limit FOR NO KEY UPDATE OF d SKIP LOCKED),"
                            + " ranked AS (SELECT id, webhook_id, ROW_NUMBER() OVER (PARTITION BY webhook_id"
                            + " ORDER BY next_attempt_at) AS n FROM candidates),"
                            + " claimed AS (UPDATE webhook_deliveries d SET lease_token = :token,"
                            + " lease_until = :until, lease_holder = :holder FROM ranked r JOIN webhooks w"
                            + " ON w.id = r.webhook_id WHERE d.id = r.id AND r.n <= " + roomOf
                            + " RETURNING " + DUE_COLUMNS + ", d.next_attempt_at)"
                            + " SELECT * FROM claimed ORDER BY next_attempt_at")
                    .bind("now", vendor.instant(now)).bind("limit", limit).bind("per", perWebhook)
                    .bind("token", vendor.uuid(UUID.randomUUID())).bind("until", vendor.instant(leaseUntil))
                    .bind("holder", holder);
            bindUuids(query, "x", full);
            for (int i = 0; i < partly.size(); i++) {
                query.bind("r" + i, vendor.uuid(partly.get(i).getKey())).bind("n" + i, partly.get(i).getValue());
            }
            return query.map(dueMapper).list();
        });
    }

    @Override
    public long countPending() {
        return tx.run(h -> h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
                .mapTo(Long.class).one());
    }

    @Override
    public int releaseLeasesOfDeadInstances(Instant aliveSince) {
        return tx.run(h -> h.createUpdate("UPDATE webhook_deliveries SET lease_token = NULL, lease_until = NULL,"
                        + " lease_holder = NULL WHERE lease_holder IS NOT NULL AND status = 'pending'"
                        + " AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = webhook_deliveries.lease_holder"
                        + " AND i.heartbeat_at >= :alive_since)")
                .bind("alive_since", vendor.instant(aliveSince)).execute());
    }

    @Override
    public void recordAttempts(List<Attempt> attempts, int maxFailuresInARow) {
        if (attempts.isEmpty()) {
            return;
        }
        tx.run(h -> {
            String update = "UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1,"
                    + " next_attempt_at = :next, lease_token = NULL, lease_until = NULL, lease_holder = NULL,"
                    + " last_status_code = :code,"
                    + " last_latency_ms = :latency, last_error = :error, updated_at = :at, delivered_at = :delivered"
                    + " WHERE id = :id";
            // A claimed attempt counts only while its lease is still its own; an unclaimed one (redeliver) always.
            PreparedBatch claimed = h.prepareBatch(update + " AND lease_token = :token");
            PreparedBatch unclaimed = h.prepareBatch(update);
            List<Attempt> claimedAttempts = new ArrayList<>();
            List<Attempt> unclaimedAttempts = new ArrayList<>();
            for (Attempt a : attempts) {
                PreparedBatch batch = a.leaseToken() == null ? unclaimed : claimed;
                (a.leaseToken() == null ? unclaimedAttempts : claimedAttempts).add(a);
                batch.bind("status", a.status().wireName()).bind("next", vendor.instant(a.nextAttemptAt()))
                        .bind("code", a.statusCode()).bind("latency", a.latencyMs()).bind("error", a.error())
                        .bind("at", vendor.instant(a.at()))
                        .bind("delivered", vendor.instant(a.succeeded() ? a.at() : null))
                        .bind("id", vendor.uuid(a.deliveryId()));
                if (a.leaseToken() != null) {
                    batch.bind("token", vendor.uuid(a.leaseToken()));
                }
                batch.add();
            }
            Set<Attempt> recorded = new HashSet<>(unclaimedAttempts);
            if (claimed.size() > 0) {
                int[] counts = claimed.execute();
                for (int i = 0; i < counts.length; i++) {
                    // An attempt whose lease another sender took over meanwhile counts for nothing.
                    if (counts[i] != 0) {
                        recorded.add(claimedAttempts.get(i));
                    }
                }
            }
            if (unclaimed.size() > 0) {
                unclaimed.execute();
            }
            Map<UUID, Outcome> outcomes = new LinkedHashMap<>();
            for (Attempt a : attempts) {
                if (recorded.contains(a)) {
                    outcomes.computeIfAbsent(a.webhookId(), id -> new Outcome()).add(a);
                }
            }
            // The common case, a success per webhook, is one batch (one round trip) for all webhooks of the round.
            PreparedBatch reset = h.prepareBatch("UPDATE webhooks SET consecutive_failures = :n WHERE id = :id"
                    + " AND consecutive_failures <> :n");
            outcomes.forEach((id, o) -> {
                if (o.anySuccess) {
                    reset.bind("n", o.failuresAfterLastSuccess).bind("id", vendor.uuid(id)).add();
                }
            });
            if (reset.size() > 0) {
                reset.execute();
            }
            outcomes.forEach((id, o) -> o.write(h, id, maxFailuresInARow));
            return null;
        });
    }

    /** The net effect of a batch's attempts on one webhook's failure count. */
    private final class Outcome {
        boolean anySuccess;
        int failuresAfterLastSuccess;
        String disableReason;
        Instant at;

        void add(Attempt a) {
            at = a.at();
            if (a.succeeded()) {
                anySuccess = true;
                failuresAfterLastSuccess = 0;
            } else {
                failuresAfterLastSuccess++;
            }
            if (a.disableReason() != null) {
                disableReason = a.disableReason();
            }
        }

        /** Writes what the batch of successes did not: added failures, and disabling. */
        void write(Handle h, UUID id, int maxFailures) {
            if (!anySuccess) {
                h.createUpdate("UPDATE webhooks SET consecutive_failures = consecutive_failures + :n WHERE id = :id")
                        .bind("n", failuresAfterLastSuccess).bind("id", vendor.uuid(id)).execute();
            }
            if (disableReason != null) {
                h.createUpdate("UPDATE webhooks SET is_active = FALSE, disabled_reason = :reason, updated_at = :at"
                                + " WHERE id = :id AND is_active = TRUE")
                        .bind("reason", disableReason).bind("at", vendor.instant(at)).bind("id", vendor.uuid(id))
                        .execute();
            } else if (failuresAfterLastSuccess > 0) {
                h.createUpdate("UPDATE webhooks SET is_active = FALSE, disabled_reason = :reason, updated_at = :at"
                                + " WHERE id = :id AND is_active = TRUE AND consecutive_failures >= :max")
                        .bind("reason", String.format(TOO_MANY_FAILURES, maxFailures)).bind("at", vendor.instant(at))
                        .bind("id", vendor.uuid(id)).bind("max", maxFailures).execute();
            }
        }
    }

    @Override
    public Page<WebhookDelivery> deliveries(UUID projectId, UUID webhookId, PageRequest page) {
        return tx.run(h -> {
            UUID after = page.cursor() == null ? null : cursor(page.cursor());
            long total = h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = :webhook_id"
                            + " AND project_id = :project_id")
                    .bind("webhook_id", vendor.uuid(webhookId)).bind("project_id", vendor.uuid(projectId))
                    .mapTo(Long.class).one();
            var query = h.createQuery("SELECT " + LOG_COLUMNS + " FROM webhook_deliveries WHERE webhook_id = :webhook_id"
                            + " AND project_id = :project_id" + (after == null ? "" : " AND id < :after")
                            + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                    .bind("webhook_id", vendor.uuid(webhookId)).bind("project_id", vendor.uuid(projectId))
                    .bind("limit", page.perPage() + 1).bind("offset", after == null ? page.offset() : 0);
            if (after != null) {
                query.bind("after", vendor.uuid(after));
            }
            List<WebhookDelivery> rows = new ArrayList<>(query.map(logMapper).list());
            String next = null;
            if (rows.size() > page.perPage()) {
                rows.remove(rows.size() - 1);
                next = rows.get(rows.size() - 1).id().toString();
            }
            return new Page<>(rows, page.page(), page.perPage(), total, next);
        });
    }

    @Override
    public Optional<DueDelivery> delivery(UUID projectId, UUID webhookId, UUID deliveryId) {
        return tx.run(h -> h.createQuery("SELECT " + DUE_COLUMNS + " FROM webhook_deliveries d JOIN webhooks w"
                        + " ON w.id = d.webhook_id WHERE d.id = :id AND d.webhook_id = :webhook_id"
                        + " AND d.project_id = :project_id")
                .bind("id", vendor.uuid(deliveryId)).bind("webhook_id", vendor.uuid(webhookId))
                .bind("project_id", vendor.uuid(projectId)).map(dueMapper).findOne());
    }

    @Override
    public Optional<WebhookDelivery> logEntry(UUID projectId, UUID webhookId, UUID deliveryId) {
        return tx.run(h -> h.createQuery("SELECT " + LOG_COLUMNS + " FROM webhook_deliveries WHERE id = :id"
                        + " AND webhook_id = :webhook_id AND project_id = :project_id")
                .bind("id", vendor.uuid(deliveryId)).bind("webhook_id", vendor.uuid(webhookId))
                .bind("project_id", vendor.uuid(projectId)).map(logMapper).findOne());
    }

    @Override
    public int purgeDeliveries(Instant before, int limit) {
        return tx.run(h -> {
            List<UUID> ids = h.createQuery("SELECT id FROM webhook_deliveries WHERE created_at < :before"
                            + " AND status <> 'pending' ORDER BY created_at LIMIT :limit")
                    .bind("before", vendor.instant(before)).bind("limit", limit)
                    .map((rs, ctx) -> vendor.uuid(rs, "id")).list();
            if (ids.isEmpty()) {
                return 0;
            }
            var delete = h.createUpdate("DELETE FROM webhook_deliveries WHERE id IN (" + placeholders("d", ids.size())
                    + ")");
            bindUuids(delete, "d", ids);
            return delete.execute();
        });
    }

    private static UUID cursor(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw UploadException.validation("cursor", "The cursor is not one this list returned.");
        }
    }

    private static Set<EventType> events(String text) {
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String name : text.split(",")) {
            if (!name.isBlank()) {
                types.add(EventType.parse("events", name.strip()));
            }
        }
        return types;
    }

    private static String events(Set<EventType> types) {
        return types.stream().map(EventType::wireName).sorted().collect(Collectors.joining(","));
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long longValue(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static String placeholders(String prefix, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(":" + prefix + i);
        }
        return String.join(", ", names);
    }

    private void bindUuids(SqlStatement<?> statement, String prefix, Collection<UUID> ids) {
        int i = 0;
        for (UUID id : ids) {
            statement.bind(prefix + i++, vendor.uuid(id));
        }
    }
}
