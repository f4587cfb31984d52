package dev.uploadkit.jdbc.internal;

import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** On PostgreSQL: the limiter's transactions commit asynchronously, and the setting never outlives them. */
class AsyncCommitsTest {
    @Test
    void eachTransactionCommitsAsynchronouslyAndThePooledConnectionKeepsItsSetting() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            DataSource async = AsyncCommits.of(db.dataSource());
            try (Connection c = async.getConnection()) {
                assertEquals("on", synchronousCommit(c), "outside a transaction");
                c.setAutoCommit(false);
                assertEquals("off", synchronousCommit(c));
                c.commit();
                assertEquals("on", synchronousCommit(c), "after the commit");
                c.setAutoCommit(true);
                c.setAutoCommit(false);
                assertEquals("off", synchronousCommit(c), "the next transaction");
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Connection plain = db.dataSource().getConnection()) {
                assertEquals("on", synchronousCommit(plain), "other users of the pool");
            }
        }
    }

    private static String synchronousCommit(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
