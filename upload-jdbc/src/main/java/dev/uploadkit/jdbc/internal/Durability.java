package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a committed write transaction durable before its caller goes on to acknowledge it.
 *
 * <p>PostgreSQL and MariaDB are durable at commit. H2 keeps committed changes in memory and writes them to its
 * file in the background (every half second by default), so a {@code kill -9} would lose writes already
 * acknowledged. Making H2 write on every commit ({@code WRITE_DELAY 0}) serialises all commits on one file write
 * each. Instead, {@link #groupCommit} lets every write transaction wait, after its commit, until one
 * {@code CHECKPOINT} that started after the commit has written it: while one checkpoint runs, the commits that
 * arrive meanwhile queue up and the next checkpoint writes all of them at once.
 */
public abstract class Durability {
    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);
    private static final ThreadLocal<boolean[]> WROTE = ThreadLocal.withInitial(() -> new boolean[1]);

    /** Durable at commit: nothing to wait for. */
    public static final Durability AT_COMMIT = new Durability() {
        @Override
        void awaitDurable() {
        }
    };

    /** Returns a durability that flushes {@code dataSource}'s H2 database with grouped {@code CHECKPOINT}s. */
    public static Durability groupCommit(DataSource dataSource) {
        return new GroupCommit(dataSource);
    }

    /**
     * Chooses how to make commits of an H2 database durable: grouped checkpoints when the user may run
     * {@code CHECKPOINT} (an admin), else {@code WRITE_DELAY 0}, else a warning. In-memory databases need nothing.
     */
    public static Durability forH2(DataSource dataSource, Connection connection) throws SQLException {
        if (connection.getMetaData().getURL().toLowerCase(Locale.ROOT).startsWith("jdbc:h2:mem:")) {
            return AT_COMMIT;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
            return groupCommit(dataSource);
        } catch (SQLException notAdmin) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET WRITE_DELAY 0");
            } catch (SQLException e) {
                LOG.warn("Neither CHECKPOINT nor SET WRITE_DELAY 0 is allowed on this H2 database ({}): commits "
                        + "acknowledged up to half a second before a crash may be lost; connect as an admin",
                        e.getMessage());
            }
            return AT_COMMIT;
        }
    }

    /** Registers the statement hook that tells write transactions from reads on {@code jdbi}. */
    public static void track(Jdbi jdbi) {
        jdbi.getConfig(SqlStatements.class).addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) {
                String sql = ctx.getRenderedSql();
                if (sql != null && !sql.regionMatches(true, 0, "SELECT", 0, 6)) {
                    WROTE.get()[0] = true;
                }
            }
        });
    }

    /** Starts watching the current thread's statements for writes. */
    static void begin() {
        WROTE.get()[0] = false;
    }

    /** After a commit: returns once what this thread wrote since {@link #begin} is durable. */
    static void afterCommit(Durability durability) {
        boolean[] wrote = WROTE.get();
        if (wrote[0]) {
            wrote[0] = false;
            durability.awaitDurable();
        }
    }

    abstract void awaitDurable();

    /**
     * Writes what an embedded H2 database has committed to its file, as {@code CHECKPOINT} does, but without the
     * compaction pass {@code CHECKPOINT} runs first (it scans every chunk's fill rate on each call, a cost that grows
     * with the file and that H2's background writer pays anyway, once a second). Returns false for a database this
     * process does not hold (H2 over TCP), for which {@code CHECKPOINT} is the way.
     */
    private static boolean writeChunk(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) {
            return false;
        }
        // MVStore.commit() writes a new chunk holding every transaction committed before it started, unless another
        // write started after the call did (which then holds them); a closed store writes nothing, as CHECKPOINT.
        local.getDatabase().getStore().getMvStore().commit();
        return true;
    }

    private static final class GroupCommit extends Durability {
        private final DataSource dataSource;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long requested;
        private long written;
        private boolean writing;

        GroupCommit(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        void awaitDurable() {
            lock.lock();
            try {
                long ticket = ++requested;
                while (written < ticket) {
                    if (writing) {
                        // The running checkpoint may have started before this commit: wait for it, then check.
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    writing = true;
                    long covers = requested;
                    boolean done = false;
                    lock.unlock();
                    try {
                        checkpoint();
                        done = true;
                    } finally {
                        lock.lock();
                        writing = false;
                        if (done) {
                            written = Math.max(written, covers);
                        }
                        changed.signalAll();
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        private void checkpoint() {
            try (Connection connection = dataSource.getConnection()) {
                if (!writeChunk(connection)) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("CHECKPOINT");
                    }
                }
            } catch (SQLException e) {
                throw new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The database could not write the change.", e);
            }
        }
    }
}
