package dev.uploadkit.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commits events into the standalone server's outbox ({@code events}) at a constant rate, as the server itself writes
 * them for a real event, for {@link WebhookDeliveryBenchmark}'s {@code --steady-rate} mode: every {@code period} a
 * transaction inserts the events due by then (rate × elapsed time, minus those already written) and commits, and
 * the moment its commit returned becomes the commit time of each of its events. Each event is a copy of one real
 * {@code upload.completed} row the server wrote (its project, type and payload) with a fresh event id and upload
 * id, so the relay fans it out to every subscribed webhook like a real one, and the receiver tells the copies apart
 * by their upload id. Open loop: a slow commit makes the next transaction larger, never the rate lower.
 */
final class SteadyEventLoad {
    private static final Pattern FIRST_ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    private final Connection connection;
    private final long templateSeq;
    private final String templatePayload;
    private final String templateEventId;
    private final String templateUploadId;
    /** Upload id of each event written → {@link System#nanoTime()} right after its transaction committed. */
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private final List<Long> commitNanos = new ArrayList<>();
    private volatile long written;
    private volatile long transactions;

    private SteadyEventLoad(Connection connection, long templateSeq, String payload, String uploadId) {
        this.connection = connection;
        this.templateSeq = templateSeq;
        this.templatePayload = payload;
        this.templateUploadId = uploadId;
        Matcher m = FIRST_ID.matcher(payload);
        if (!m.find()) {
            throw new IllegalStateException("the outbox row of upload " + uploadId + " has no event id: " + payload);
        }
        this.templateEventId = m.group(1);
    }

    /**
     * Uses the outbox row the server wrote for {@code uploadId} as the template of every event; the connection
     * becomes this load's (auto-commit off).
     */
    static SteadyEventLoad from(Connection connection, String uploadId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT id, payload FROM events WHERE type ="
                + " 'upload.completed' AND payload LIKE ? ORDER BY id DESC")) {
            st.setString(1, "%" + uploadId + "%");
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no upload.completed event of upload " + uploadId + " in the outbox");
                }
                connection.setAutoCommit(false);
                return new SteadyEventLoad(connection, rs.getLong(1), rs.getString(2), uploadId);
            }
        }
    }

    /**
     * Writes {@code perSecond} events a second from now until {@code until} ({@link System#nanoTime()}), one
     * transaction every {@code periodNanos}.
     */
    void run(double perSecond, long periodNanos, long until) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events (project_id, type, payload,"
                + " created_at) SELECT project_id, type, ?, CURRENT_TIMESTAMP FROM events WHERE id = ?")) {
            for (long tick = 1; ; tick++) {
                long at = start + tick * periodNanos;
                if (at > until) {
                    return;
                }
                LockSupport.parkNanos(at - System.nanoTime());
                long due = (long) Math.floor(perSecond * (System.nanoTime() - start) / 1e9) - written;
                if (due <= 0) {
                    continue;
                }
                List<String> uploads = new ArrayList<>((int) due);
                for (long i = 0; i < due; i++) {
                    String upload = UUID.randomUUID().toString();
                    uploads.add(upload);
                    insert.setString(1, templatePayload.replace(templateEventId, UUID.randomUUID().toString())
                            .replace(templateUploadId, upload));
                    insert.setLong(2, templateSeq);
                    insert.addBatch();
                }
                long before = System.nanoTime();
                insert.executeBatch();
                connection.commit();
                long now = System.nanoTime();
                commitNanos.add(now - before);
                uploads.forEach(u -> committed.put(u, now));
                written += due;
                transactions++;
            }
        }
    }

    /** Upload id → commit time of every event written. */
    Map<String, Long> committed() {
        return committed;
    }

    long written() {
        return written;
    }

    long transactions() {
        return transactions;
    }

    /** Returns the {@code p} quantile of the time from the first insert of a transaction to its commit's return. */
    double commitMillis(double p) {
        long[] sorted = commitNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
