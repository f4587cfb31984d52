package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.usage.LogQuery;
import dev.uploadkit.core.usage.RequestLogEntry;
import dev.uploadkit.core.usage.RequestLogStore;
import dev.uploadkit.core.usage.UsageDay;
import dev.uploadkit.core.usage.UsageDelta;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** {@link RequestLogStore} on tables {@code request_log} and {@code usage_daily}; each call is one transaction. */
public final class JdbiRequestLogStore implements RequestLogStore {
    private static final String COLUMNS = "project_id, at, method, path, status, error_code, duration_ms, key_id,"
            + " key_prefix, client_ip, uploaded_bytes, downloaded_bytes";
    private static final String COUNTS = "requests, uploads, upload_bytes, downloads, download_bytes";

    private final Transactor transactor;
    private final Vendor vendor;

    public JdbiRequestLogStore(Transactor transactor) {
        this.transactor = Objects.requireNonNull(transactor, "transactor");
        this.vendor = transactor.vendor();
    }

    @Override
    public void append(List<RequestLogEntry> entries, List<UsageDelta> deltas) {
        if (entries.isEmpty() && deltas.isEmpty()) {
            return;
        }
        transactor.inTransaction(tx -> tx.run(h -> {
            if (!entries.isEmpty()) {
                PreparedBatch batch = h.prepareBatch("INSERT INTO request_log (" + COLUMNS + ") VALUES (:project_id,"
                        + " :at, :method, :path, :status, :error_code, :duration_ms, :key_id, :key_prefix, :client_ip,"
                        + " :uploaded_bytes, :downloaded_bytes)");
                for (RequestLogEntry e : entries) {
                    batch.bind("project_id", vendor.uuid(e.projectId()))
                            .bind("at", vendor.instant(e.time()))
                            .bind("method", clip(e.method(), 16))
                            .bind("path", clip(e.path(), 2048))
                            .bind("status", e.status())
                            .bind("error_code", e.errorCode())
                            .bind("duration_ms", e.durationMillis())
                            .bind("key_id", vendor.uuid(e.keyId()))
                            .bind("key_prefix", e.keyPrefix())
                            .bind("client_ip", clip(e.clientIp(), 64))
                            .bind("uploaded_bytes", e.uploadedBytes())
                            .bind("downloaded_bytes", e.downloadedBytes())
                            .add();
                }
                batch.execute();
            }
            if (!deltas.isEmpty()) {
                PreparedBatch batch = h.prepareBatch(addUsageSql());
                for (UsageDelta d : deltas) {
                    batch.bind("project_id", vendor.uuid(d.projectId()))
                            .bind("day", d.day())
                            .bind("requests", d.requests())
                            .bind("uploads", d.uploads())
                            .bind("upload_bytes", d.uploadBytes())
                            .bind("downloads", d.downloads())
                            .bind("download_bytes", d.downloadBytes())
                            .add();
                }
                batch.execute();
            }
            return null;
        }));
    }

    private String addUsageSql() {
        String values = "(:project_id, :day, :requests, :uploads, :upload_bytes, :downloads, :download_bytes)";
        return switch (vendor) {
            case POSTGRESQL -> "INSERT INTO usage_daily (project_id, usage_day, " + COUNTS + ") VALUES " + values
                    + " ON CONFLICT (project_id, usage_day) DO UPDATE SET requests = usage_daily.requests + EXCLUDED.requests,"
                    + " uploads = usage_daily.uploads + EXCLUDED.uploads,"
                    + " upload_bytes = usage_daily.upload_bytes + EXCLUDED.upload_bytes,"
                    + " downloads = usage_daily.downloads + EXCLUDED.downloads,"
                    + " download_bytes = usage_daily.download_bytes + EXCLUDED.download_bytes";
            case MYSQL -> "INSERT INTO usage_daily (project_id, usage_day, " + COUNTS + ") VALUES " + values
                    + " ON DUPLICATE KEY UPDATE requests = requests + VALUES(requests),"
                    + " uploads = uploads + VALUES(uploads), upload_bytes = upload_bytes + VALUES(upload_bytes),"
                    + " downloads = downloads + VALUES(downloads),"
                    + " download_bytes = download_bytes + VALUES(download_bytes)";
            case H2 -> "MERGE INTO usage_daily u USING (VALUES " + values + ") AS n (project_id, usage_day, " + COUNTS + ")"
                    + " ON u.project_id = n.project_id AND u.usage_day = n.usage_day"
                    + " WHEN MATCHED THEN UPDATE SET requests = u.requests + n.requests, uploads = u.uploads + n.uploads,"
                    + " upload_bytes = u.upload_bytes + n.upload_bytes, downloads = u.downloads + n.downloads,"
                    + " download_bytes = u.download_bytes + n.download_bytes"
                    + " WHEN NOT MATCHED THEN INSERT (project_id, usage_day, " + COUNTS + ") VALUES (n.project_id, n.usage_day,"
                    + " n.requests, n.uploads, n.upload_bytes, n.downloads, n.download_bytes)";
        };
    }

    @Override
    public void recordStorage(UUID projectId, LocalDate day, long files, long bytes) {
        transactor.inTransaction(tx -> tx.run(h -> {
            int updated = h.createUpdate("UPDATE usage_daily SET storage_files = :files, storage_bytes = :bytes"
                            + " WHERE project_id = :project_id AND usage_day = :day")
                    .bind("files", files).bind("bytes", bytes)
                    .bind("project_id", vendor.uuid(projectId)).bind("day", day)
                    .execute();
            if (updated == 0) {
                // The day's counts are written before its first snapshot, so a missing row is rare: a race with
                // a concurrent insert is settled by the unique key and the next snapshot.
                h.createUpdate("INSERT INTO usage_daily (project_id, usage_day, " + COUNTS + ", storage_files, storage_bytes)"
                                + " VALUES (:project_id, :day, 0, 0, 0, 0, 0, :files, :bytes)")
                        .bind("files", files).bind("bytes", bytes)
                        .bind("project_id", vendor.uuid(projectId)).bind("day", day)
                        .execute();
            }
            return null;
        }));
    }

    @Override
    public List<RequestLogEntry> find(LogQuery q) {
        Where where = filters(q);
        if (q.beforeId() != null) {
            where.and("id < :before", "before", Where.number(q.beforeId()));
        }
        String sql = "SELECT id, " + COLUMNS + " FROM request_log" + where.sql() + " ORDER BY id DESC LIMIT "
                + q.limit();
        return transactor.inTransaction(tx -> tx.run(h -> where.bindTo(h.createQuery(sql))
                .map((rs, ctx) -> entry(rs)).list()));
    }

    /**
     * A page by number skips its offset in {@code idx_request_log_project} alone (a deferred join: it holds the id),
     * and reads only the page's rows in full. The total is the filtered lists' ({@link ListTotal}) for every query:
     * no counter holds the size of a project's log.
     */
    @Override
    public Page<RequestLogEntry> list(LogQuery q, PageRequest page, long countLimit) {
        Objects.requireNonNull(page, "page");
        if (countLimit < 0) {
            throw new IllegalArgumentException("countLimit must be >= 0, was " + countLimit);
        }
        Where where = filters(q);
        Where pageWhere = where.copy().bind("limit", Where.number(page.perPage() + 1L));
        String inner;
        if (page.cursor() != null) {
            pageWhere.and("id < :before", "before", Where.number(cursor(page.cursor())));
            inner = " ORDER BY id DESC LIMIT :limit";
        } else {
            pageWhere.bind("offset", Where.number(page.offset()));
            inner = " ORDER BY id DESC LIMIT :limit OFFSET :offset";
        }
        String sql = "SELECT r.* FROM (SELECT id FROM request_log" + pageWhere.sql() + inner
                + ") p JOIN request_log r ON r.id = p.id ORDER BY r.id DESC";
        return transactor.inTransaction(tx -> tx.run(h -> {
            List<RequestLogEntry> rows = pageWhere.bindTo(h.createQuery(sql)).map((rs, ctx) -> entry(rs)).list();
            boolean more = rows.size() > page.perPage();
            if (more) {
                rows = rows.subList(0, page.perPage());
            }
            String next = more ? Long.toString(rows.get(rows.size() - 1).id()) : null;
            ListTotal total = ListTotal.of(page, rows.size(), more, countLimit, h::createQuery, "request_log", where);
            return new Page<>(rows, page.page(), page.perPage(), total.value(), next, total.exact());
        }));
    }

    private static long cursor(String value) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UploadException.validation("cursor", "The cursor must be a next_cursor this list returned.");
    }

    private Where filters(LogQuery q) {
        Where where = new Where().and("project_id = :project_id", "project_id", vendor.uuid(q.projectId()));
        if (q.status() != null) {
            where.and("status = :status", "status", Where.number(q.status()));
        }
        if (q.method() != null) {
            where.and("method = :method", "method", Where.text(q.method()));
        }
        if (q.pathPrefix() != null) {
            where.and("path LIKE :path ESCAPE '!'", "path", Where.text(Where.escapeLike(q.pathPrefix()) + "%"));
        }
        if (q.keyId() != null) {
            where.and("key_id = :key_id", "key_id", vendor.uuid(q.keyId()));
        }
        if (q.from() != null) {
            where.and("at >= :from", "from", vendor.instant(q.from()));
        }
        if (q.to() != null) {
            where.and("at < :to", "to", vendor.instant(q.to()));
        }
        return where;
    }

    private RequestLogEntry entry(ResultSet rs) throws SQLException {
        return new RequestLogEntry(rs.getLong("id"), vendor.uuid(rs, "project_id"), vendor.instant(rs, "at"),
                rs.getString("method"), rs.getString("path"), rs.getInt("status"), rs.getString("error_code"),
                rs.getLong("duration_ms"), vendor.uuid(rs, "key_id"), rs.getString("key_prefix"),
                rs.getString("client_ip"), rs.getLong("uploaded_bytes"), rs.getLong("downloaded_bytes"));
    }

    @Override
    public List<UsageDay> usage(UUID projectId, LocalDate from, LocalDate to) {
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery("SELECT usage_day, " + COUNTS
                        + ", storage_files, storage_bytes FROM usage_daily WHERE project_id = :project_id"
                        + " AND usage_day >= :from AND usage_day <= :to ORDER BY usage_day")
                .bind("project_id", vendor.uuid(projectId))
                .bind("from", from)
                .bind("to", to)
                .map((rs, ctx) -> {
                    long files = rs.getLong("storage_files");
                    boolean noFiles = rs.wasNull();
                    long bytes = rs.getLong("storage_bytes");
                    return new UsageDay(rs.getObject("usage_day", LocalDate.class), rs.getLong("requests"),
                            rs.getLong("uploads"), rs.getLong("upload_bytes"), rs.getLong("downloads"),
                            rs.getLong("download_bytes"), noFiles ? -1 : files, noFiles ? -1 : bytes);
                })
                .list()));
    }

    @Override
    public int purge(Instant cutoff, int max) {
        return transactor.inTransaction(tx -> tx.run(h -> {
            List<Long> ids = h.createQuery("SELECT id FROM request_log WHERE at < :cutoff ORDER BY at LIMIT " + max)
                    .bind("cutoff", vendor.instant(cutoff))
                    .mapTo(Long.class)
                    .list();
            if (ids.isEmpty()) {
                return 0;
            }
            return h.createUpdate("DELETE FROM request_log WHERE id IN (<ids>)").bindList("ids", ids).execute();
        }));
    }

    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
