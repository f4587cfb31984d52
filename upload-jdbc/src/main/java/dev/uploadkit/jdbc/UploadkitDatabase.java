package dev.uploadkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.ProjectStore;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.jobs.JobRunner;
import dev.uploadkit.core.limits.RateLimiter;
import dev.uploadkit.core.usage.RequestLogStore;
import dev.uploadkit.jdbc.internal.BucketRateLimiter;
import dev.uploadkit.jdbc.internal.JdbiRequestLogStore;
import dev.uploadkit.jdbc.internal.DbSchedulerJobRunner;
import dev.uploadkit.jdbc.internal.Durability;
import dev.uploadkit.jdbc.internal.JdbiCatalog;
import dev.uploadkit.jdbc.internal.JdbiProjectStore;
import dev.uploadkit.jdbc.internal.JdbiServerSecrets;
import dev.uploadkit.jdbc.internal.Migrations;
import dev.uploadkit.jdbc.internal.SqlErrors;
import dev.uploadkit.jdbc.internal.Transactor;
import dev.uploadkit.jdbc.internal.Vendor;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Uploadkit's catalog on a relational database: H2, PostgreSQL, MariaDB or MySQL, detected from the connection.
 *
 * <p>Building one migrates the schema (tables {@code projects}, {@code api_keys}, {@code blobs}, {@code uploads},
 * {@code instances} for crash-sweep heartbeats, db-scheduler's {@code scheduled_tasks}, and Flyway's
 * {@code uploadkit_schema_history}) in the connection's default schema, then hands out the {@link Catalog} and
 * {@link ProjectStore} on it. Both are thread-safe.
 *
 * <pre>{@code
 * try (UploadkitDatabase db = UploadkitDatabase.connect("jdbc:h2:file:./data/uploadkit", "sa", "")) {
 *     Catalog catalog = db.catalog();
 *     ...
 * }
 * }</pre>
 *
 * <p>The tables have plain names: give Uploadkit a schema (PostgreSQL, H2) or database (MariaDB) of its own if the
 * host already has tables named like these.
 *
 * <p>Transactions run at READ COMMITTED whatever the connection's default. Timestamps are stored in UTC with
 * microsecond precision, finer instants are truncated, and neither the JVM's nor the session's time zone matters.
 * An unreachable or closed database, a lock timeout or a deadlock surface as {@code SERVICE_UNAVAILABLE}, which a
 * client may retry; other database failures as {@code INTERNAL_ERROR}.
 */
public final class UploadkitDatabase implements AutoCloseable {
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final HikariDataSource backgroundPool;
    private final Catalog catalog;
    private final Catalog backgroundCatalog;
    private final ProjectStore projects;
    private final RequestLogStore requestLog;
    private final JdbiServerSecrets secrets;
    private final Vendor vendor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UploadkitDatabase(DataSource dataSource, HikariDataSource ownedPool, HikariDataSource backgroundPool,
                              Vendor vendor, boolean setIsolation, Durability durability) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.backgroundPool = backgroundPool;
        Transactor transactor = new Transactor(Jdbi.create(dataSource), vendor, setIsolation, closed::get,
                durability);
        this.catalog = new JdbiCatalog(transactor);
        this.backgroundCatalog = backgroundPool == null ? catalog : new JdbiCatalog(new Transactor(
                Jdbi.create(backgroundPool), vendor, setIsolation, closed::get, durability));
        this.projects = new JdbiProjectStore(transactor);
        this.requestLog = new JdbiRequestLogStore(transactor);
        this.secrets = new JdbiServerSecrets(transactor);
        this.vendor = vendor;
    }

    /**
     * Uses the host's {@code dataSource}, which stays the host's to close, and migrates its default schema.
     *
     * @throws UploadException {@code SERVICE_UNAVAILABLE} if the database cannot be reached, {@code INTERNAL_ERROR}
     *     if the migration fails
     * @throws IllegalArgumentException if the database is not one upload-jdbc supports
     */
    public static UploadkitDatabase create(DataSource dataSource) {
        return builder().dataSource(dataSource).build();
    }

    /**
     * Opens a connection pool of its own to {@code jdbcUrl}, closed by {@link #close()}, and migrates the schema.
     * For example {@code jdbc:h2:file:./data/uploadkit}, {@code jdbc:postgresql://host/db} or
     * {@code jdbc:mariadb://host/db}.
     *
     * @param password may be {@code null} or empty
     * @throws UploadException {@code SERVICE_UNAVAILABLE} if the database cannot be reached, {@code INTERNAL_ERROR}
     *     if the migration fails
     */
    public static UploadkitDatabase connect(String jdbcUrl, String username, String password) {
        return builder().jdbcUrl(jdbcUrl).username(username).password(password).build();
    }

    /** Returns a builder for the less common settings (pool size, timeouts, skipping migrations). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the catalog of uploads and blobs. */
    public Catalog catalog() {
        return catalog;
    }

    /**
     * Returns a catalog on the same database for background work (the event relay and the webhook dispatcher:
     * {@code UploadServiceBuilder.backgroundCatalog}, {@code WebhookService.Builder.backgroundCatalog}). When this
     * object opened its own pool, it works on a second small pool ({@link Builder#backgroundPoolSize}, 2
     * connections by default, named {@code uploadkit-background}), so background work never queues behind request
     * threads for a connection, nor they behind it; with a host data source, or a size of 0, it is
     * {@link #catalog()}.
     */
    public Catalog backgroundCatalog() {
        return backgroundCatalog;
    }

    /** Returns the store of projects and API keys. */
    public ProjectStore projects() {
        return projects;
    }

    /** Returns the store of request logs and daily usage roll-ups (tables {@code request_log}, {@code usage_daily}). */
    public RequestLogStore requestLog() {
        return requestLog;
    }

    /**
     * Returns a rate limiter on this database (Bucket4j, table {@code rate_limit_buckets}): every instance using the
     * same database shares each project's limits. Each call returns a new limiter; keep one per instance.
     */
    public RateLimiter rateLimiter() {
        return rateLimiter(Clock.systemUTC());
    }

    /** Like {@link #rateLimiter()}, telling minutes and months by {@code clock} (tests use a movable one). */
    public RateLimiter rateLimiter(Clock clock) {
        return new BucketRateLimiter(dataSource, vendor, clock);
    }

    /**
     * Returns the secret every instance on this database shares under {@code name} (table {@code server_secrets}),
     * such as the key that signs download links: kept from {@code initial} by the first instance that asks, read by
     * every later call on any instance. Of instances asking at once, one value wins and all of them return it. The
     * table holds it in plain text: whoever reads the database can read it.
     *
     * @param name 1 to 64 characters: lower-case letters, digits, {@code .}, {@code _}, {@code -}
     * @param initial asked only when none is kept yet; 1 to 512 printable ASCII characters
     */
    public String sharedSecret(String name, Supplier<String> initial) {
        return secrets.get(name, initial);
    }

    /** Returns the data source in use, for other components sharing the database (such as a job scheduler). */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Returns a runner of recurring jobs on this database (db-scheduler on table {@code scheduled_tasks}), polling
     * for due jobs every 10 seconds. Every instance running it runs a job in turn, never two at once.
     *
     * @param instanceName names this instance in {@code scheduled_tasks.picked_by}: 1 to 50 characters, such as
     *     {@code UploadService.instanceId()}
     */
    public JobRunner jobRunner(String instanceName) {
        return jobRunner(instanceName, Duration.ofSeconds(10));
    }

    /**
     * Like {@link #jobRunner(String)}, polling every {@code pollingInterval} (at least 10 ms; tests use short ones).
     * The runner must be closed before this database.
     */
    public JobRunner jobRunner(String instanceName, Duration pollingInterval) {
        if (instanceName == null || instanceName.isBlank() || instanceName.length() > 50) {
            throw new IllegalArgumentException("instanceName: must be 1 to 50 characters, was '" + instanceName
                    + "'; use UploadService.instanceId()");
        }
        if (pollingInterval == null || pollingInterval.toMillis() < 10) {
            throw new IllegalArgumentException("pollingInterval: must be at least 10 ms, was " + pollingInterval
                    + "; use Duration.ofSeconds(10)");
        }
        return new DbSchedulerJobRunner(dataSource, vendor, instanceName, pollingInterval);
    }

    /**
     * Stops handing out connections: afterwards the catalog and project store throw {@code SERVICE_UNAVAILABLE}.
     * Closes the pool if this instance opened it. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedPool != null) {
            if (backgroundPool != null) {
                backgroundPool.close();
            }
            ownedPool.close();
        }
    }

    /** Configures an {@link UploadkitDatabase}: either a host data source or a JDBC URL for an own pool. */
    public static final class Builder {
        private DataSource dataSource;
        private String jdbcUrl;
        private String username;
        private String password;
        private static final int H2_QUERY_CACHE_SIZE = 64;
        private int maximumPoolSize = 10;
        private int backgroundPoolSize = 2;
        private int minimumIdle = -1;
        private Duration connectionTimeout = Duration.ofSeconds(30);
        private boolean migrate = true;
        private boolean poolSettingsChanged;

        private Builder() {
        }

        /** Uses a data source the host owns and closes. */
        public Builder dataSource(DataSource value) {
            dataSource = Objects.requireNonNull(value, "dataSource");
            return this;
        }

        /** Opens an own pool to this URL. */
        public Builder jdbcUrl(String value) {
            if (value == null || !value.startsWith("jdbc:")) {
                throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:', was '" + value
                        + "'; for example jdbc:h2:file:./data/uploadkit");
            }
            jdbcUrl = value;
            return this;
        }

        /** The user of the own pool; may be {@code null} when the URL carries it. */
        public Builder username(String value) {
            username = value;
            return this;
        }

        /** The password of the own pool; {@code null} or empty for none. */
        public Builder password(String value) {
            password = value;
            return this;
        }

        /** The most connections the own pool opens; default 10. */
        public Builder maximumPoolSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maximumPoolSize must be at least 1, was " + value);
            }
            maximumPoolSize = value;
            poolSettingsChanged = true;
            return this;
        }

        /**
         * The connections of the second pool that only background work uses ({@link #backgroundCatalog()}): one for
         * the event relay and one for the webhook dispatcher by default (2); 0 lets them share the main pool.
         */
        public Builder backgroundPoolSize(int value) {
            if (value < 0 || value > 100) {
                throw new IllegalArgumentException("backgroundPoolSize: " + value + " is out of range; use 0 (share "
                        + "the main pool) to 100; the default is 2");
            }
            backgroundPoolSize = value;
            poolSettingsChanged = true;
            return this;
        }

        /** The idle connections the own pool keeps open; default the maximum pool size. */
        public Builder minimumIdle(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("minimumIdle must be at least 0, was " + value);
            }
            minimumIdle = value;
            poolSettingsChanged = true;
            return this;
        }

        /** How long a caller waits for a connection before {@code SERVICE_UNAVAILABLE}; default 30 s. */
        public Builder connectionTimeout(Duration value) {
            Objects.requireNonNull(value, "connectionTimeout");
            if (value.toMillis() < 250) {
                throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, was " + value);
            }
            connectionTimeout = value;
            poolSettingsChanged = true;
            return this;
        }

        /** Whether to migrate the schema on build; default true. Turn off only if the host applies the migrations. */
        public Builder migrate(boolean value) {
            migrate = value;
            return this;
        }

        /**
         * Connects, detects the database, and migrates it unless told not to.
         *
         * @throws IllegalStateException if neither or both of dataSource and jdbcUrl are set, or pool settings are
         *     combined with a host data source
         * @throws IllegalArgumentException if the database is not one upload-jdbc supports
         * @throws UploadException {@code SERVICE_UNAVAILABLE} if the database cannot be reached, {@code INTERNAL_ERROR}
         *     if the migration fails
         */
        public UploadkitDatabase build() {
            if ((dataSource == null) == (jdbcUrl == null)) {
                throw new IllegalStateException("Set exactly one of dataSource and jdbcUrl; "
                        + (dataSource == null ? "neither is set." : "both are set."));
            }
            if (dataSource != null && (poolSettingsChanged || username != null || password != null)) {
                throw new IllegalStateException("username, password and pool settings apply only with jdbcUrl; "
                        + "configure them on the host's dataSource instead.");
            }
            if (minimumIdle > maximumPoolSize) {
                throw new IllegalStateException("minimumIdle (" + minimumIdle + ") must not exceed maximumPoolSize ("
                        + maximumPoolSize + ").");
            }
            HikariDataSource pool = null;
            HikariDataSource background = null;
            try {
                pool = jdbcUrl == null ? null : openPool("uploadkit", maximumPoolSize,
                        minimumIdle < 0 ? maximumPoolSize : minimumIdle);
                DataSource source = pool == null ? dataSource : pool;
                Vendor vendor;
                boolean setIsolation;
                Durability durability;
                try (Connection connection = source.getConnection()) {
                    vendor = Vendor.fromProductName(connection.getMetaData().getDatabaseProductName());
                    setIsolation = connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED;
                    durability = vendor == Vendor.H2 ? Durability.forH2(source, connection) : Durability.AT_COMMIT;
                }
                if (migrate) {
                    Migrations.migrate(source, vendor);
                }
                if (pool != null && backgroundPoolSize > 0) {
                    background = openPool("uploadkit-background", backgroundPoolSize, backgroundPoolSize);
                }
                return new UploadkitDatabase(source, pool, background, vendor, setIsolation, durability);
            } catch (SQLException | RuntimeException e) {
                if (background != null) {
                    background.close();
                }
                if (pool != null) {
                    pool.close();
                }
                if (e instanceof IllegalArgumentException iae) {
                    throw iae;
                }
                throw startupFailure(e);
            }
        }

        /**
         * Completes an H2 URL for a pool this object owns, keeping any setting the URL gives itself: a larger
         * per-connection statement cache (an upload runs more distinct statements than H2's default of 8, which made
         * it parse and plan most of them again each time), and no close by H2's own JVM shutdown hook, which would
         * close the database under requests that a graceful stop lets finish; {@link #close()} closes the pool, and
         * with its last connection the database.
         */
        static String h2PoolUrl(String url) {
            if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
                return url;
            }
            String upper = url.toUpperCase(Locale.ROOT);
            StringBuilder completed = new StringBuilder(url);
            if (!upper.contains("QUERY_CACHE_SIZE")) {
                completed.append(";QUERY_CACHE_SIZE=").append(H2_QUERY_CACHE_SIZE);
            }
            if (!upper.contains("DB_CLOSE_ON_EXIT")) {
                completed.append(";DB_CLOSE_ON_EXIT=FALSE");
            }
            return completed.toString();
        }

        private HikariDataSource openPool(String name, int size, int idle) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(name);
            config.setJdbcUrl(h2PoolUrl(jdbcUrl));
            config.setUsername(username);
            config.setPassword(password == null || password.isEmpty() ? null : password);
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(idle);
            config.setConnectionTimeout(connectionTimeout.toMillis());
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            return new HikariDataSource(config);
        }

        private static UploadException startupFailure(Exception e) {
            UploadException translated = SqlErrors.translate(e);
            if (translated.code() == ErrorCode.INTERNAL_ERROR && e instanceof FlywayException) {
                return new UploadException(ErrorCode.INTERNAL_ERROR,
                        "Migrating the uploadkit schema failed: " + e.getMessage(), e);
            }
            return translated;
        }
    }
}
