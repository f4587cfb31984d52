package dev.uploadkit.jdbc.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.jdbc.UploadkitDatabase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Isolated, freshly migrated databases for tests, one per call:
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.postgres()) {
 *     db.catalog().inTransaction(...);
 * }
 * }</pre>
 *
 * <p>PostgreSQL is expected at {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres} without password
 * (each call gets its own schema {@code uk_<random>}), MariaDB at {@code jdbc:mariadb://127.0.0.1:3306/} as
 * {@code root} without password (each call gets its own database {@code uk_<random>}). System properties
 * {@code uploadkit.test.postgres.url|user|password} and {@code uploadkit.test.mariadb.url|user|password} override
 * these. An unreachable server fails the calling test with a message saying what to start; nothing is skipped.
 *
 * <p>Each database allows {@link #POOL_SIZE} concurrent connections.
 */
public final class TestDatabases {
    /** The connections each test database allows at once. */
    public static final int POOL_SIZE = 24;

    private static final String PG_URL = System.getProperty("uploadkit.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = System.getProperty("uploadkit.test.postgres.user", "postgres");
    private static final String PG_PASSWORD = System.getProperty("uploadkit.test.postgres.password", "");
    private static final String MARIADB_URL = System.getProperty("uploadkit.test.mariadb.url",
            "jdbc:mariadb://127.0.0.1:3306/");
    private static final String MARIADB_USER = System.getProperty("uploadkit.test.mariadb.user", "root");
    private static final String MARIADB_PASSWORD = System.getProperty("uploadkit.test.mariadb.password", "");

    private TestDatabases() {
    }

    /** The supported databases, for tests parameterised over all of them. */
    public enum Kind {
        H2, POSTGRESQL, MARIADB;

        public TestDatabase open() {
            return switch (this) {
                case H2 -> h2();
                case POSTGRESQL -> postgres();
                case MARIADB -> mariadb();
            };
        }
    }

    /** Returns a new in-memory H2 database, gone when closed. */
    public static TestDatabase h2() {
        String name = uniqueName();
        // DB_CLOSE_DELAY keeps the database while the pool happens to hold no connection; SHUTDOWN ends it.
        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        UploadkitDatabase database = pooled(url, "sa", "");
        return new TestDatabase("H2 " + name, database, url, "sa", "", () -> execute(url, "sa", "", "SHUTDOWN"));
    }

    /** Returns an H2 database in files under {@code directory}, which stay when closed (for restart tests). */
    public static TestDatabase h2File(Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("uploadkit").toAbsolutePath() + ";LOCK_TIMEOUT=10000";
        return new TestDatabase("H2 file " + directory, pooled(url, "sa", ""), url, "sa", "", () -> { });
    }

    /** Returns a new schema in the local PostgreSQL, dropped when closed. */
    public static TestDatabase postgres() {
        String schema = uniqueName();
        try {
            execute(PG_URL, PG_USER, PG_PASSWORD, "CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw unreachable("PostgreSQL", PG_URL, PG_USER,
                    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
        AutoCloseable drop = () -> execute(PG_URL, PG_USER, PG_PASSWORD, "DROP SCHEMA " + schema + " CASCADE");
        String url = PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return open("PostgreSQL schema " + schema, drop, () -> pooled(url, PG_USER, PG_PASSWORD), url, PG_USER,
                PG_PASSWORD);
    }

    /**
     * Returns a new database in the local MariaDB, dropped when closed. Unlike the others it runs on a pool the
     * fixture owns, left at the server's default isolation (REPEATABLE READ), as a host's data source would be.
     */
    public static TestDatabase mariadb() {
        String database = createMariadbDatabase();
        String url = mariadbUrl(database);
        HikariConfig config = new HikariConfig();
        config.setPoolName("test-" + database);
        config.setJdbcUrl(url);
        config.setUsername(MARIADB_USER);
        config.setPassword(MARIADB_PASSWORD.isEmpty() ? null : MARIADB_PASSWORD);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        HikariDataSource pool = new HikariDataSource(config);
        AutoCloseable drop = () -> {
            pool.close();
            execute(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, "DROP DATABASE " + database);
        };
        return open("MariaDB database " + database, drop, () -> UploadkitDatabase.create(pool), url, MARIADB_USER,
                MARIADB_PASSWORD);
    }

    /** A database the test made and drops, left empty: for what a server's first start does to it. */
    public record EmptyDatabase(String url, String user, String password, AutoCloseable drop)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            drop.close();
        }
    }

    /** Returns a new database in the local MariaDB with nothing migrated into it, dropped when closed. */
    public static EmptyDatabase emptyMariadb() {
        String database = createMariadbDatabase();
        return new EmptyDatabase(mariadbUrl(database), MARIADB_USER, MARIADB_PASSWORD,
                () -> execute(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, "DROP DATABASE " + database));
    }

    private static String createMariadbDatabase() {
        String database = uniqueName();
        try {
            execute(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD,
                    "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw unreachable("MariaDB", MARIADB_URL, MARIADB_USER,
                    "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd", e);
        }
        return database;
    }

    private static String mariadbUrl(String database) {
        return MARIADB_URL.replaceFirst("/[^/]*$", "/" + database);
    }

    private interface Opener {
        UploadkitDatabase open();
    }

    private static TestDatabase open(String name, AutoCloseable drop, Opener opener, String url, String user,
                                     String password) {
        try {
            return new TestDatabase(name, opener.open(), url, user, password, drop);
        } catch (RuntimeException e) {
            try {
                drop.close();
            } catch (Exception dropFailure) {
                e.addSuppressed(dropFailure);
            }
            throw e;
        }
    }

    private static UploadkitDatabase pooled(String url, String user, String password) {
        return UploadkitDatabase.builder().jdbcUrl(url).username(user).password(password)
                .maximumPoolSize(POOL_SIZE).minimumIdle(2).build();
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static IllegalStateException unreachable(String what, String url, String user, String start,
                                                     SQLException e) {
        return new IllegalStateException(what + " is not reachable at " + url + " as user " + user + " ("
                + e.getMessage() + "). Start it (" + start + ") or point the uploadkit.test.* system properties "
                + "at a running server.", e);
    }

    private static String uniqueName() {
        return "uk_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
