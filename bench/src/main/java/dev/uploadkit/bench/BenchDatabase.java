package dev.uploadkit.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database a spawned standalone server uses: the default H2 file in its data dir, or a fresh schema
 * (PostgreSQL) or database (MariaDB/MySQL) created in the server the given URL points at and dropped again on
 * {@link #close()}, so every run starts empty.
 */
final class BenchDatabase implements AutoCloseable {
    private final String description;
    private final List<String> serverArgs;
    private final String adminUrl;
    private final Properties credentials;
    private final String dropStatement;

    private BenchDatabase(String description, List<String> serverArgs, String adminUrl, Properties credentials,
                          String dropStatement) {
        this.description = description;
        this.serverArgs = serverArgs;
        this.adminUrl = adminUrl;
        this.credentials = credentials;
        this.dropStatement = dropStatement;
    }

    /** An empty URL means the standalone default (H2 file in the data dir). */
    static BenchDatabase prepare(Optional<String> url, Optional<String> user, Optional<String> password)
            throws SQLException {
        if (url.isEmpty()) {
            return new BenchDatabase("H2 (default, file in the data dir)", List.of(), null, null, null);
        }
        String given = url.get();
        Properties credentials = new Properties();
        user.ifPresent(u -> credentials.setProperty("user", u));
        password.ifPresent(p -> credentials.setProperty("password", p));
        String name = "bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String serverUrl;
        String drop;
        if (given.startsWith("jdbc:postgresql:")) {
            execute(given, credentials, "CREATE SCHEMA " + name);
            serverUrl = given + (given.contains("?") ? "&" : "?") + "currentSchema=" + name;
            drop = "DROP SCHEMA " + name + " CASCADE";
        } else if (given.startsWith("jdbc:mariadb:") || given.startsWith("jdbc:mysql:")) {
            execute(given, credentials, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            int query = given.indexOf('?');
            String base = query < 0 ? given : given.substring(0, query);
            String params = query < 0 ? "" : given.substring(query);
            int slash = base.indexOf('/', base.indexOf("//") + 2);
            serverUrl = (slash < 0 ? base : base.substring(0, slash)) + "/" + name + params;
            drop = "DROP DATABASE " + name;
        } else if (given.startsWith("jdbc:h2:")) {
            return new BenchDatabase(given, serverArgs(given, user, password), null, null, null);
        } else {
            throw new IllegalArgumentException("--database-url: expected jdbc:postgresql:, jdbc:mariadb:, "
                    + "jdbc:mysql: or jdbc:h2:, was " + given);
        }
        return new BenchDatabase(serverUrl.replaceAll("password=[^&;]*", "password=…"),
                serverArgs(serverUrl, user, password), given, credentials, drop);
    }

    private static List<String> serverArgs(String url, Optional<String> user, Optional<String> password) {
        List<String> args = new ArrayList<>(List.of("--database-url", url));
        user.ifPresent(u -> args.addAll(List.of("--database-user", u)));
        password.filter(p -> !p.isEmpty()).ifPresent(p -> args.addAll(List.of("--database-password", p)));
        return args;
    }

    private static void execute(String url, Properties credentials, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The standalone server's flags for this database (none for the default). */
    List<String> serverArgs() {
        return serverArgs;
    }

    String description() {
        return description;
    }

    /** Drops the schema or database this run created. */
    @Override
    public void close() throws SQLException {
        if (dropStatement != null) {
            execute(adminUrl, credentials, dropStatement);
        }
    }
}
