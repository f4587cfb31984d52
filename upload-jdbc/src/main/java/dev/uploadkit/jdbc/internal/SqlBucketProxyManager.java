package dev.uploadkit.jdbc.internal;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.AbstractSelectForUpdateBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.LockAndGetResult;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.SelectForUpdateBasedTransaction;
import io.github.bucket4j.distributed.remote.RemoteBucketState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Bucket4j's select-for-update protocol (its {@link AbstractSelectForUpdateBasedProxyManager}) on table
 * {@code rate_limit_buckets}, for the databases Bucket4j's own managers do not serve here: H2, which its PostgreSQL
 * and MySQL managers do not run on ({@code ON CONFLICT}, {@code INSERT IGNORE}), and MariaDB, whose driver lacks the
 * MySQL Connector/J exception class Bucket4j's MySQL manager links against ({@code NoClassDefFoundError} with the
 * MariaDB driver). Limits hold for every instance sharing the database. A missing bucket row is inserted first
 * ({@code INSERT … WHERE NOT EXISTS} on H2, {@code INSERT IGNORE} on MariaDB/MySQL, as Bucket4j's MySQL manager
 * does); losing that race to another transaction makes Bucket4j retry in a new transaction.
 */
final class SqlBucketProxyManager extends AbstractSelectForUpdateBasedProxyManager<String> {
    private static final String SELECT = "SELECT state FROM rate_limit_buckets WHERE id = ? FOR UPDATE";
    private static final String H2_INSERT = "INSERT INTO rate_limit_buckets (id, state) SELECT CAST(? AS VARCHAR(128)),"
            + " NULL WHERE NOT EXISTS (SELECT 1 FROM rate_limit_buckets WHERE id = ?)";
    private static final String MYSQL_INSERT = "INSERT IGNORE INTO rate_limit_buckets (id, state) VALUES (?, NULL)";
    private static final String UPDATE = "UPDATE rate_limit_buckets SET state = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM rate_limit_buckets WHERE id = ?";

    private final DataSource dataSource;
    private final boolean mysql;

    SqlBucketProxyManager(DataSource dataSource, Vendor vendor, ClientSideConfig config) {
        super(config);
        this.dataSource = dataSource;
        this.mysql = vendor == Vendor.MYSQL;
    }

    @Override
    protected SelectForUpdateBasedTransaction allocateTransaction(String key, Optional<Long> timeoutNanos) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new BucketStoreException(e);
        }
        return new SelectForUpdateBasedTransaction() {
            @Override
            public void begin(Optional<Long> timeout) {
                run(() -> {
                    if (mysql) {
                        // No gap locks: at REPEATABLE READ, racing first inserts of one key deadlock.
                        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    }
                    connection.setAutoCommit(false);
                });
            }

            @Override
            public void rollback() {
                run(connection::rollback);
            }

            @Override
            public void commit(Optional<Long> timeout) {
                run(connection::commit);
            }

            @Override
            public LockAndGetResult tryLockAndGet(Optional<Long> timeout) {
                try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                    applyTimeout(select, timeout);
                    select.setString(1, key);
                    try (ResultSet rs = select.executeQuery()) {
                        return rs.next() ? LockAndGetResult.locked(rs.getBytes(1)) : LockAndGetResult.notLocked();
                    }
                } catch (SQLException e) {
                    throw new BucketStoreException(e);
                }
            }

            @Override
            public boolean tryInsertEmptyData(Optional<Long> timeout) {
                try (PreparedStatement insert = connection.prepareStatement(mysql ? MYSQL_INSERT : H2_INSERT)) {
                    applyTimeout(insert, timeout);
                    insert.setString(1, key);
                    if (!mysql) {
                        insert.setString(2, key);
                    }
                    return insert.executeUpdate() > 0;
                } catch (SQLException e) {
                    if ("23505".equals(e.getSQLState()) || e.getErrorCode() == 1062 || "40001".equals(e.getSQLState())) {
                        // Another transaction inserted it (or won a deadlock over it): Bucket4j retries afresh.
                        return false;
                    }
                    throw new BucketStoreException(e);
                }
            }

            @Override
            public void update(byte[] data, RemoteBucketState newState, Optional<Long> timeout) {
                try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
                    applyTimeout(update, timeout);
                    update.setBytes(1, data);
                    update.setString(2, key);
                    update.executeUpdate();
                } catch (SQLException e) {
                    throw new BucketStoreException(e);
                }
            }

            @Override
            public void release() {
                run(connection::close);
            }
        };
    }

    @Override
    public void removeProxy(String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, key);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new BucketStoreException(e);
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void run(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            throw new BucketStoreException(e);
        }
    }

    /** A database failure inside Bucket4j's protocol; translated by the limiter. */
    static final class BucketStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BucketStoreException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
