package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.argument.Argument;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/** The SQL differences between the supported databases. */
public enum Vendor {
    H2("h2", "FOR UPDATE"),
    // FOR NO KEY UPDATE does not conflict with the KEY SHARE lock a foreign-key check takes on the parent row,
    // so locking a project or blob does not deadlock with a concurrent insert of an upload referencing it.
    POSTGRESQL("postgresql", "FOR NO KEY UPDATE"),
    MYSQL("mysql", "FOR UPDATE");

    private final String migrationFolder;
    private final String lockForUpdate;

    Vendor(String migrationFolder, String lockForUpdate) {
        this.migrationFolder = migrationFolder;
        this.lockForUpdate = lockForUpdate;
    }

    /**
     * Returns the vendor of a JDBC database product name.
     *
     * @throws IllegalArgumentException for a database upload-jdbc does not support
     */
    public static Vendor fromProductName(String productName) {
        String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (name.equals("h2")) {
            return H2;
        }
        if (name.equals("postgresql")) {
            return POSTGRESQL;
        }
        if (name.equals("mariadb") || name.equals("mysql")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("Unsupported database '" + productName
                + "': upload-jdbc supports H2, PostgreSQL, MariaDB and MySQL.");
    }

    /** Returns the Flyway location of this vendor's migrations. */
    public String migrationLocation() {
        return "classpath:db/uploadkit/" + migrationFolder;
    }

    /** Returns the clause that locks the selected rows for an update that changes no key. */
    public String lockForUpdate() {
        return lockForUpdate;
    }

    /** Returns the argument binding {@code value} to a UUID column, or NULL. */
    public Argument uuid(UUID value) {
        if (this == MYSQL) {
            return (position, statement, ctx) -> {
                if (value == null) {
                    statement.setNull(position, Types.CHAR);
                } else {
                    statement.setString(position, value.toString());
                }
            };
        }
        return (position, statement, ctx) -> {
            if (value == null) {
                statement.setNull(position, Types.OTHER);
            } else {
                statement.setObject(position, value);
            }
        };
    }

    /** Reads a UUID column; {@code null} for NULL. */
    public UUID uuid(ResultSet rs, String column) throws SQLException {
        if (this == MYSQL) {
            String text = rs.getString(column);
            return text == null ? null : UUID.fromString(text);
        }
        return rs.getObject(column, UUID.class);
    }

    /**
     * Returns the argument binding {@code value} to a timestamp column, or NULL. The instant is truncated to
     * microseconds, the precision of every supported database, and bound as UTC whatever the JVM's or the
     * session's time zone.
     */
    public Argument instant(Instant value) {
        if (value == null) {
            int type = this == MYSQL ? Types.TIMESTAMP : Types.TIMESTAMP_WITH_TIMEZONE;
            return (position, statement, ctx) -> statement.setNull(position, type);
        }
        Instant micros = value.truncatedTo(ChronoUnit.MICROS);
        if (this == MYSQL) {
            LocalDateTime utc = LocalDateTime.ofInstant(micros, ZoneOffset.UTC);
            return (position, statement, ctx) -> statement.setObject(position, utc);
        }
        OffsetDateTime utc = micros.atOffset(ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, utc);
    }

    /** Reads a timestamp column written by {@link #instant(Instant)}; {@code null} for NULL. */
    public Instant instant(ResultSet rs, String column) throws SQLException {
        if (this == MYSQL) {
            LocalDateTime utc = rs.getObject(column, LocalDateTime.class);
            return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
        }
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Returns true if {@code e} reports a duplicate key in a unique index. */
    public boolean isUniqueViolation(SQLException e) {
        if (this == MYSQL) {
            return e.getErrorCode() == 1062;
        }
        return "23505".equals(e.getSQLState());
    }

    /** Returns true if {@code e} reports a foreign key violation, in either direction. */
    public boolean isForeignKeyViolation(SQLException e) {
        return switch (this) {
            case MYSQL -> e.getErrorCode() == 1451 || e.getErrorCode() == 1452;
            case POSTGRESQL -> "23503".equals(e.getSQLState());
            case H2 -> "23503".equals(e.getSQLState()) || "23506".equals(e.getSQLState());
        };
    }

    /**
     * Returns whether a key is checked for being taken before a blob is inserted under it, rather than left to the
     * insert's unique violation, which costs nothing elsewhere. MariaDB's driver logs every server error as a
     * warning, and a taken key is an everyday event (the same filename uploaded twice), so there it is checked
     * first, on its unique index.
     */
    boolean checksKeyBeforeInsert() {
        return this == MYSQL;
    }

    /**
     * Returns the condition on {@code blobs} matching {@code :object_key} that the unique index on
     * {@code (storage_id, key)} serves: on MySQL/MariaDB that index holds the key's SHA-256 (a key may be longer
     * than an index entry), so matching {@code object_key} itself would read every blob of the storage.
     */
    String objectKeyMatch() {
        return this == MYSQL ? "object_key_hash = UNHEX(SHA2(:object_key, 256))" : "object_key = :object_key";
    }

    /**
     * Returns the suffix of a blob insert that turns an object-key conflict into zero inserted rows instead of
     * an error, or the empty string where a failed statement leaves the transaction usable anyway.
     */
    String onKeyConflictDoNothing() {
        // PostgreSQL aborts the whole transaction on a failed statement; H2 and InnoDB only undo the statement.
        return this == POSTGRESQL ? " ON CONFLICT (storage_id, object_key) DO NOTHING" : "";
    }

    /**
     * Returns an insert of a row given only by its primary key ({@code columns}, all of the key) that does
     * nothing when the row exists; the other columns take their defaults.
     */
    String insertKeyIgnoringDuplicate(String table, String columns, String values) {
        return switch (this) {
            case POSTGRESQL -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT DO NOTHING";
            case MYSQL -> "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + values + ")";
            case H2 -> "MERGE INTO " + table + " (" + columns + ") KEY (" + columns + ") VALUES (" + values + ")";
        };
    }
}
