package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
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
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>Before it writes, a checkpoint waits (at most {@link GroupCommit#MAX_GATHER_NANOS}) for the transactions
 * then running to finish, as PostgreSQL's {@code commit_delay} does for its siblings: each chunk H2 writes costs
 * much the same whatever it holds (the changed B-tree paths up to each root, the file's chunk map), so one chunk
 * for several uploads costs far less than one each. With no other transaction running it writes at once.
 *
 * <p>Once a checkpoint's chunk is in the file, {@link H2FileHeader#repair} makes sure the file header leads to it: H2
 * leaves it pointing one chunk short after writing into reused space.
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
        return groupCommit(dataSource, GroupCommit.MAX_GATHER_NANOS);
    }

    /** As {@link #groupCommit(DataSource)}, waiting at most {@code maxGatherNanos} for running transactions. */
    static Durability groupCommit(DataSource dataSource, long maxGatherNanos) {
        return new GroupCommit(dataSource, maxGatherNanos);
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
            if (!H2FileHeader.available()) {
                LOG.warn("This H2 version lacks the internals Uploadkit uses to keep its file header current: a crash "
                        + "after the server was idle for a while may lose commits acknowledged before it");
            }
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

    /**
     * Starts watching the current thread's statements for writes. Returns whether an enclosing transaction of this
     * thread wrote so far; give it back to {@link #end} when this one ends.
     */
    static boolean begin() {
        boolean[] wrote = WROTE.get();
        boolean enclosing = wrote[0];
        wrote[0] = false;
        return enclosing;
    }

    /**
     * Returns whether this thread's statements wrote since {@link #begin}, and goes on watching for the enclosing
     * transaction with what {@link #begin} returned.
     */
    static boolean end(boolean enclosingWrote) {
        boolean[] wrote = WROTE.get();
        boolean any = wrote[0];
        wrote[0] = enclosingWrote;
        return any;
    }

    /** Returns once everything committed before this call is durable. */
    abstract void awaitDurable();

    /** A transaction started (it holds a connection): a checkpoint about to write may wait for it. */
    void enter() {
    }

    /**
     * A transaction {@link #enter entered} has ended. When it committed writes ({@code committedWrites}), returns
     * once they are durable.
     */
    void leave(boolean committedWrites) {
        if (committedWrites) {
            awaitDurable();
        }
    }

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
        // MVStore.commit() stores every transaction committed before it started, unless a store that started since
        // holds them, or one before it already took them (then it has nothing to store); a closed store writes
        // nothing, as CHECKPOINT. Such another store may be H2's background writer's, which hands its chunk to H2's
        // serialisation and write threads and returns: so wait until everything handed on is in the file
        // (executeFileStoreOperation drains both; after a store of our own they are idle, and this costs little).
        MVStore store = local.getDatabase().getStore().getMvStore();
        store.commit();
        if (store.getFileStore() != null) {
            store.getFileStore().executeFileStoreOperation(() -> { });
            H2FileHeader.repair(store.getFileStore());
        }
        return true;
    }

    private static final class GroupCommit extends Durability {
        private final DataSource dataSource;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long requested;
        private long written;
        private boolean writing;
        /** Transactions of the current thread between {@link #enter} and {@link #leave}. */
        private final ThreadLocal<int[]> own = ThreadLocal.withInitial(() -> new int[1]);
        /** Transactions between {@link #enter} and {@link #leave}, of all threads. */
        private final AtomicInteger running = new AtomicInteger();
        private final Condition settled = lock.newCondition();
        private volatile boolean gathering;

        /**
         * How long a checkpoint waits at most for running transactions. Measured with 32 clients of 4 KiB uploads
         * on 2 cores (bench/README.md, row 6), it cut the bytes written per upload by 25-50 % and the CPU per upload
         * by about a fifth.
         */
        static final long MAX_GATHER_NANOS = 3_000_000L;

        private final long maxGatherNanos;

        GroupCommit(DataSource dataSource, long maxGatherNanos) {
            this.dataSource = dataSource;
            this.maxGatherNanos = maxGatherNanos;
        }

        @Override
        void awaitDurable() {
            lock.lock();
            try {
                awaitWritten(++requested);
            } finally {
                lock.unlock();
            }
        }

        /** Holding the lock: returns once a checkpoint that started after {@code ticket} was taken has ended. */
        private void awaitWritten(long ticket) {
            while (written < ticket) {
                if (writing) {
                    // The running checkpoint may have started before this commit: wait for it, then check.
                    changed.awaitUninterruptibly();
                    continue;
                }
                writing = true;
                gather();
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
        }

        @Override
        void enter() {
            own.get()[0]++;
            running.incrementAndGet();
        }

        /**
         * A transaction that committed writes takes its ticket as it stops running, under the lock, so a checkpoint
         * that {@link #gather gathered} until it ended covers it.
         */
        @Override
        void leave(boolean committedWrites) {
            own.get()[0]--;
            if (!committedWrites) {
                running.decrementAndGet();
                if (gathering) {
                    lock.lock();
                    try {
                        settled.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                return;
            }
            lock.lock();
            try {
                running.decrementAndGet();
                if (gathering) {
                    settled.signalAll();
                }
                awaitWritten(++requested);
            } finally {
                lock.unlock();
            }
        }

        /**
         * Holding the lock: waits until no transaction runs but this thread's own (an enclosing one cannot end
         * before this returns), for {@code maxGatherNanos} at most.
         */
        private void gather() {
            long left = maxGatherNanos;
            int mine = own.get()[0];
            gathering = true;
            try {
                while (running.get() > mine && left > 0) {
                    left = settled.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                gathering = false;
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
