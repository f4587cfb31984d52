package dev.uploadkit.jdbc.internal;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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
        JdbcDataSource dataSource = new JdbcDataSource();
        // A write delay far longer than the test: H2's background writer stays out of the way.
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=3600000");
        dataSource.setUser("sa");
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
