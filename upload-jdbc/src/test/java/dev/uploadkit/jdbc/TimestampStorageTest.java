package dev.uploadkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Timestamps are stored as UTC, whatever the JVM's and the session's time zones. */
class TimestampStorageTest {
    private static final Instant INSTANT = Instant.parse("2025-03-30T01:30:00.123456Z");
    private static final String UTC_TEXT = "2025-03-30 01:30:00.123456";

    @Test
    void theTestJvmIsNotInUtc() {
        assertNotEquals(0, TimeZone.getDefault().getOffset(INSTANT.toEpochMilli()),
                "run with -Duser.timezone far from UTC, or zone bugs go unnoticed");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void storedValuesAreUtc(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = kind.open()) {
            Project project = new Project(UUID.randomUUID(), "t", "free", INSTANT);
            db.projects().insertProject(project);
            String sql = switch (kind) {
                case H2 -> "SELECT CAST(created_at AS VARCHAR) FROM projects WHERE id = ?";
                case POSTGRESQL -> "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
                        + " FROM projects WHERE id = ?::uuid";
                case MARIADB -> "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM projects WHERE id = ?";
            };
            String expected = kind == TestDatabases.Kind.H2 ? UTC_TEXT + "+00" : UTC_TEXT;
            assertEquals(expected, rawValue(db.dataSource(), sql, project.id()));
        }
    }

    @Test
    void aMariaDbSessionInAnotherTimeZoneReadsAndWritesTheSameInstants() throws SQLException {
        try (TestDatabase db = TestDatabases.mariadb()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.jdbcUrl());
            config.setUsername(db.username());
            config.setPassword(db.password().isEmpty() ? null : db.password());
            config.setConnectionInitSql("SET time_zone = '+05:30'");
            config.setMaximumPoolSize(2);
            try (HikariDataSource shifted = new HikariDataSource(config);
                 UploadkitDatabase other = UploadkitDatabase.create(shifted)) {
                Project project = new Project(UUID.randomUUID(), "t", "free", INSTANT);
                other.projects().insertProject(project);
                assertEquals(Optional.of(project), db.projects().findProject(project.id()));
                assertEquals(UTC_TEXT, rawValue(db.dataSource(),
                        "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM projects WHERE id = ?",
                        project.id()));
            }
        }
    }

    private static String rawValue(DataSource dataSource, String sql, UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, id.toString());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
