package dev.uploadkit.jdbc.internal;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A group commit's checkpoint waits for the transactions running when it is about to write, so that one H2 chunk
 * holds them all, and waits for nothing else. The wait is bounded by a minute here, so a wait that should not
 * happen shows as a timeout rather than as a few milliseconds.
 */
class GroupCommitGatherTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private JdbcDataSource dataSource;
    private Connection admin;
    private Transactor transactor;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void open() throws SQLException {
        dataSource = new JdbcDataSource();
        // H2's own background writer stays out of the way: every chunk written is a checkpoint's.
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=3600000");
        dataSource.setUser("sa");
        admin = dataSource.getConnection();
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE t (id INT)");
        }
        Durability durability = Durability.groupCommit(dataSource, TimeUnit.MINUTES.toNanos(1));
        transactor = new Transactor(Jdbi.create(dataSource), Vendor.H2, false, () -> false, durability);
        durability.awaitDurable();
    }

    @AfterEach
    void close() throws SQLException {
        threads.shutdownNow();
        admin.close();
    }

    @Test
    void aCheckpointWaitsForARunningTransactionAndOneChunkHoldsBoth() throws Exception {
        long before = chunkVersion();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> running = threads.submit(() -> transactor.inTransaction(tx -> {
            insert(tx, 1);
            inside.countDown();
            awaitQuietly(release);
            return null;
        }));
        inside.await();

        AtomicReference<Thread> committer = new AtomicReference<>();
        Future<?> committing = threads.submit(() -> {
            committer.set(Thread.currentThread());
            return transactor.inTransaction(tx -> insert(tx, 2));
        });
        // The committer has committed and now waits, in a timed wait, for the running transaction.
        long deadline = System.nanoTime() + PROMPTLY.toNanos();
        while (!committing.isDone() && (committer.get() == null
                || committer.get().getState() != Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                fail("the committer neither finished nor waited");
            }
            Thread.onSpinWait();
        }
        assertFalse(committing.isDone(), "the checkpoint wrote without waiting for the running transaction");

        release.countDown();
        running.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        committing.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, chunkVersion() - before, "one chunk for both transactions");
    }

    @Test
    void withNothingElseRunningACommitWaitsForNothing() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            long before = chunkVersion();
            transactor.inTransaction(tx -> insert(tx, 1));
            assertEquals(1, chunkVersion() - before);
        });
    }

    @Test
    void enclosingAndRolledBackTransactionsAreNotWaitedForAndAnEnclosingOneStillWaitsForItsWrites() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            assertThrows(IllegalStateException.class, () -> transactor.inTransaction(tx -> {
                insert(tx, 1);
                throw new IllegalStateException("rolled back");
            }));
            long before = chunkVersion();
            transactor.inTransaction(outer -> {
                insert(outer, 2);
                return transactor.inTransaction(inner -> insert(inner, 3));
            });
            assertEquals(2, chunkVersion() - before, "the inner commit's checkpoint, then the outer one's");
        });
    }

    private static int insert(Tx tx, int id) {
        return tx.run(h -> h.execute("INSERT INTO t VALUES (?)", id));
    }

    /** The version of H2's store: one more for each chunk written. */
    private long chunkVersion() throws SQLException {
        SessionLocal session = (SessionLocal) admin.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore().getCurrentVersion();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
