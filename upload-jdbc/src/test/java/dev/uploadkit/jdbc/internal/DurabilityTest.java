package dev.uploadkit.jdbc.internal;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an H2 file holds after a commit, read from a copy of the file taken while the database is still open, as a
 * {@code kill -9} would leave it: a committed row is in the file only once {@link Durability#groupCommit} has
 * written it.
 */
class DurabilityTest {
    @TempDir
    Path dir;
    private int copies;

    @Test
    void groupCommitPutsCommittedRowsInTheFile() throws Exception {
        JdbcDataSource dataSource = fileDatabase();
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, "CREATE TABLE t (id INT)");
            Durability durability = Durability.forH2(dataSource, connection);
            execute(connection, "INSERT INTO t VALUES (1)");
            assertEquals(0, rowsInCopy(), "committed but not yet written");

            durability.awaitDurable();
            assertEquals(1, rowsInCopy());

            execute(connection, "INSERT INTO t VALUES (2)");
            durability.awaitDurable();
            assertEquals(2, rowsInCopy());
        }
    }

    /**
     * H2's background writer stores asynchronously: it takes the committed changes, hands their chunk to H2's
     * serialisation and write threads and returns. A group commit that waited for H2's store lock while that happened
     * finds its changes taken (H2 then stores nothing itself) and must still acknowledge only once they are in the
     * file. The interleaving is made by hand: H2's serialisation is held up, the store lock (private, reached by
     * reflection) is held while the acknowledging thread queues for it, and the background store runs meanwhile.
     */
    @Test
    void aCommitTakenByH2sBackgroundStoreIsAcknowledgedOnceWritten() throws Exception {
        JdbcDataSource dataSource = fileDatabase();
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, "CREATE TABLE t (id INT)");
            Durability durability = Durability.forH2(dataSource, connection);
            MVStore store = ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase()
                    .getStore().getMvStore();
            Field storeLockField = MVStore.class.getDeclaredField("storeLock");
            storeLockField.setAccessible(true);
            ReentrantLock storeLock = (ReentrantLock) storeLockField.get(store);
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread serialisationHeld = new Thread(() -> store.getFileStore().executeFileStoreOperation(() -> {
                holding.countDown();
                awaitQuietly(release);
            }), "holds-h2-serialisation");
            serialisationHeld.start();
            holding.await();
            execute(connection, "INSERT INTO t VALUES (1)");

            long[] rowsAtAcknowledgement = {-1};
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread acknowledging = new Thread(() -> {
                try {
                    durability.awaitDurable();
                    rowsAtAcknowledgement[0] = rowsInCopy();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "acknowledging");
            storeLock.lock();
            try {
                acknowledging.start();
                while (!storeLock.hasQueuedThread(acknowledging)) {
                    Thread.onSpinWait(); // the group commit waits for the store lock
                }
                store.tryCommit(); // the background writer's store: hands the chunk on, unwritten, and returns
            } finally {
                storeLock.unlock();
            }
            while (storeLock.hasQueuedThread(acknowledging) || acknowledging.getState() == Thread.State.RUNNABLE) {
                Thread.onSpinWait(); // until it has acknowledged, or waits for H2's writes
            }
            release.countDown();
            acknowledging.join();
            serialisationHeld.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(1, rowsAtAcknowledgement[0], "the acknowledged row is in the file when acknowledged");
        }
    }

    /**
     * H2 reuses the space of chunks that no longer hold live data (after its retention time, 45 s by default: so
     * after a server was idle for a while). A chunk written there, off the position its predecessor predicted, leaves
     * the file header pointing to the chunk before it, and opening the file stops at that one: every commit from then
     * on was lost on a crash, until H2 happened to rewrite the header (20 chunks later, or at the next such jump).
     * Retention 0 makes the space free at once; the rows are rewritten until chunks land in the freed space.
     */
    @Test
    void aChunkWrittenIntoFreedSpaceIsFoundWhenTheFileIsOpened() throws Exception {
        JdbcDataSource dataSource = fileDatabase(";RETENTION_TIME=0");
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, "CREATE TABLE t (id INT)");
            execute(connection, "CREATE TABLE filler (id INT PRIMARY KEY, v VARCHAR(2000))");
            Durability durability = Durability.forH2(dataSource, connection);
            execute(connection, "INSERT INTO filler SELECT x, REPEAT('x', 1000) FROM SYSTEM_RANGE(1, 300)");
            durability.awaitDurable();
            for (int i = 1; i <= 40; i++) {
                execute(connection, "UPDATE filler SET v = REPEAT('" + (char) ('a' + i % 26) + "', 1000)");
                durability.awaitDurable();
                execute(connection, "INSERT INTO t VALUES (" + i + ")");
                durability.awaitDurable();
                assertEquals(i, rowsInCopy(), "acknowledged rows in the file after write " + i);
            }
        }
    }

    /** An H2 file database whose background writer stays out of the way (a write delay far longer than a test). */
    private JdbcDataSource fileDatabase() {
        return fileDatabase("");
    }

    private JdbcDataSource fileDatabase(String settings) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=3600000" + settings);
        dataSource.setUser("sa");
        return dataSource;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void inMemoryDatabasesNeedNothing() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:durability");
        try (Connection connection = dataSource.getConnection()) {
            assertEquals(Durability.AT_COMMIT, Durability.forH2(dataSource, connection));
        }
    }

    private long rowsInCopy() throws Exception {
        Path copy = dir.resolve("copy" + ++copies);
        Files.copy(dir.resolve("db.mv.db"), Path.of(copy + ".mv.db"));
        // Read-only: the copy is looked at as the file holds it, and opening it starts no background writer (H2 once
        // hung here, joining a writer it was restarting as the database opened).
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + copy + ";ACCESS_MODE_DATA=r", "sa",
                "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
