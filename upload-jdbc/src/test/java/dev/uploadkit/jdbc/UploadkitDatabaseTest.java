package dev.uploadkit.jdbc;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadkitDatabaseTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:1/test", "jdbc:mariadb://127.0.0.1:1/test",
            "jdbc:h2:tcp://127.0.0.1:1/mem:nothing"})
    void anUnreachableDatabaseIsServiceUnavailable(String url) {
        UploadException e = assertThrows(UploadException.class, () -> UploadkitDatabase.builder().jdbcUrl(url)
                .username("nobody").password("").connectionTimeout(Duration.ofMillis(500)).build());
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
    }

    @Test
    void aHostDataSourceIsMigratedOnceAndStaysTheHosts() throws SQLException {
        JdbcDataSource host = new JdbcDataSource();
        host.setURL("jdbc:h2:mem:host" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        host.setUser("sa");
        try (Connection connection = host.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE host_table (id INT)");
            Project project = new Project(UUID.randomUUID(), "p", "free", Instant.parse("2025-01-01T00:00:00Z"));
            try (UploadkitDatabase first = UploadkitDatabase.create(host)) {
                first.projects().insertProject(project);
            }
            try (UploadkitDatabase second = UploadkitDatabase.create(host)) {
                assertEquals(Optional.of(project), second.projects().findProject(project.id()));
            }
            List<String> applied = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT \"version\" FROM \"uploadkit_schema_history\""
                    + " WHERE \"type\" = 'SQL' AND \"success\" ORDER BY \"installed_rank\"")) {
                while (rs.next()) {
                    applied.add(rs.getString(1));
                }
            }
            assertEquals(h2MigrationVersions(), applied, "every migration applied once, in order");
            try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM host_table")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
            statement.execute("SHUTDOWN");
        }
    }

    @Test
    void anH2FileDatabaseKeepsItsDataAcrossRestarts() {
        Project project = new Project(UUID.randomUUID(), "kept", "pro", Instant.parse("2025-01-01T00:00:00.000001Z"));
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            db.projects().insertProject(project);
        }
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            assertEquals(Optional.of(project), db.projects().findProject(project.id()));
        }
    }

    @Test
    void instantsAreTruncatedToMicroseconds() {
        try (TestDatabase db = TestDatabases.h2()) {
            UUID id = UUID.randomUUID();
            db.projects().insertProject(new Project(id, "n", "free", Instant.parse("2025-01-15T10:30:00.123456789Z")));
            assertEquals(Instant.parse("2025-01-15T10:30:00.123456Z"),
                    db.projects().findProject(id).orElseThrow().createdAt());
        }
    }

    @Test
    void backgroundWorkHasConnectionsOfItsOwnWhenRequestsHoldEveryOtherOne() throws SQLException {
        String url = "jdbc:h2:mem:bg" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (UploadkitDatabase db = UploadkitDatabase.builder().jdbcUrl(url).username("sa").maximumPoolSize(2)
                .connectionTimeout(Duration.ofMillis(250)).build();
             Connection held = db.dataSource().getConnection();
             Connection alsoHeld = db.dataSource().getConnection()) {
            assertTrue(held.isValid(1) && alsoHeld.isValid(1));
            UUID project = UUID.randomUUID();
            UploadException e = assertThrows(UploadException.class,
                    () -> db.catalog().inTransaction(tx -> tx.webhooks().list(project)));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code(), "the main pool's connections are taken");
            assertEquals(List.of(), db.backgroundCatalog().inTransaction(tx -> tx.webhooks().list(project)));
        }
        try (UploadkitDatabase shared = UploadkitDatabase.builder().jdbcUrl(url).username("sa").backgroundPoolSize(0)
                .build()) {
            assertSame(shared.catalog(), shared.backgroundCatalog());
        }
        JdbcDataSource host = new JdbcDataSource();
        host.setURL(url);
        host.setUser("sa");
        try (UploadkitDatabase hosted = UploadkitDatabase.create(host)) {
            assertSame(hosted.catalog(), hosted.backgroundCatalog(), "a host data source is not doubled");
        }
    }

    @Test
    void theBuilderRejectsIncompleteOrContradictorySettings() {
        JdbcDataSource host = new JdbcDataSource();
        assertThrows(IllegalStateException.class, () -> UploadkitDatabase.builder().build());
        assertThrows(IllegalStateException.class,
                () -> UploadkitDatabase.builder().dataSource(host).jdbcUrl("jdbc:h2:mem:x").build());
        assertThrows(IllegalStateException.class,
                () -> UploadkitDatabase.builder().dataSource(host).maximumPoolSize(3).build());
        assertThrows(IllegalStateException.class,
                () -> UploadkitDatabase.builder().dataSource(host).username("sa").build());
        assertThrows(IllegalStateException.class,
                () -> UploadkitDatabase.builder().jdbcUrl("jdbc:h2:mem:x").maximumPoolSize(2).minimumIdle(3).build());
        assertThrows(IllegalArgumentException.class, () -> UploadkitDatabase.builder().jdbcUrl("h2:mem:x"));
        assertThrows(IllegalArgumentException.class, () -> UploadkitDatabase.builder().maximumPoolSize(0));
        assertThrows(IllegalArgumentException.class, () -> UploadkitDatabase.builder().minimumIdle(-1));
        assertThrows(IllegalArgumentException.class, () -> UploadkitDatabase.builder().backgroundPoolSize(-1));
        assertThrows(IllegalStateException.class,
                () -> UploadkitDatabase.builder().dataSource(host).backgroundPoolSize(1).build());
        assertThrows(IllegalArgumentException.class,
                () -> UploadkitDatabase.builder().connectionTimeout(Duration.ofMillis(10)));
    }

    /** Returns the versions of the H2 migrations this module ships, in Flyway's order (e.g. 1, 2, …, 7, 7.1, 10). */
    private static List<String> h2MigrationVersions() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/uploadkit/h2"))) {
            return files.map(f -> f.getFileName().toString())
                    .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
                    .sorted(UploadkitDatabaseTest::compareVersions)
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
