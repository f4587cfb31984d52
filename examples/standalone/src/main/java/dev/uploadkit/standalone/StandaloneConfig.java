package dev.uploadkit.standalone;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone server's settings, from command-line flags first, then {@code UPLOADKIT_*} environment
 * variables, then defaults.
 *
 * @param databaseUrl JDBC URL; empty = H2 file under the data dir
 * @param s3Endpoint S3-compatible endpoint; empty = local filesystem store under the data dir
 * @param adminKey a fixed admin key; empty = one is generated and printed on first start
 * @param signingKey the download-URL signing secret; empty = one kept in {@code <data-dir>/signing.key}
 * @param trashRetention how long uploads stay in trash before a background job deletes them for good
 * @param interruptedAfter how long an instance may go without a heartbeat before its uploads count as interrupted
 * @param jobInterval the pause between runs of the crash sweep and of the trash purge (at most a minute)
 * @param sweepGrace how old leftover temporary files and blobs being deleted must be before the sweep removes them
 * @param storage what projects may connect as their own storage, and the master key sealing their secrets
 */
public record StandaloneConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        Optional<String> s3Endpoint,
        Optional<String> s3Bucket,
        Optional<String> s3AccessKey,
        Optional<String> s3SecretKey,
        Optional<String> s3Region,
        Optional<String> adminKey,
        Optional<String> signingKey,
        Optional<String> publicBaseUrl,
        DataSize maxFileSize,
        Duration trashRetention,
        Duration interruptedAfter,
        Duration jobInterval,
        Duration sweepGrace,
        StorageOptions storage) {

    static final String USAGE = """
            Usage: java -jar uploadkit-standalone.jar [options]
              --host HOST            address to listen on (UPLOADKIT_HOST, default 127.0.0.1)
              --port PORT            port, 0 for any free one (UPLOADKIT_PORT, default 8080)
              --data-dir DIR         H2 database, local files and signing key (UPLOADKIT_DATA_DIR, default ./data)
              --database-url URL     JDBC URL of PostgreSQL/MariaDB/H2 (UPLOADKIT_DATABASE_URL)
              --database-user USER   (UPLOADKIT_DATABASE_USER)  --database-password PW (UPLOADKIT_DATABASE_PASSWORD)
              --public-base-url URL  absolute URL of the API mount for download links (UPLOADKIT_PUBLIC_BASE_URL)
              --max-file-size-mb N   largest upload in MiB (UPLOADKIT_MAX_FILE_SIZE_MB, default 5120)
            S3-compatible storage instead of local files: UPLOADKIT_S3_ENDPOINT, UPLOADKIT_S3_BUCKET,
              UPLOADKIT_S3_ACCESS_KEY, UPLOADKIT_S3_SECRET_KEY, UPLOADKIT_S3_REGION (default us-east-1)
            UPLOADKIT_ADMIN_KEY sets the admin key; UPLOADKIT_SIGNING_KEY the download-link secret (>= 32 chars).
            UPLOADKIT_TRASH_RETENTION: how long trashed files are kept (default 30d; 90s, 10m, 24h, 30d or PT24H).
            Crash sweeps: UPLOADKIT_INTERRUPTED_AFTER (no heartbeat for this long = crashed, default 1m),
              UPLOADKIT_JOB_INTERVAL (sweep and trash purge, default and at most 1m), UPLOADKIT_SWEEP_GRACE
              (age of leftover temporary files the sweep removes, default 10m).
            """ + StorageOptions.USAGE;

    public StandaloneConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0-65535, was " + port);
        }
        positive("UPLOADKIT_TRASH_RETENTION", trashRetention);
        positive("UPLOADKIT_INTERRUPTED_AFTER", interruptedAfter);
        positive("UPLOADKIT_JOB_INTERVAL", jobInterval);
        positive("UPLOADKIT_SWEEP_GRACE", sweepGrace);
        if (jobInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("UPLOADKIT_JOB_INTERVAL: must be at most 1m (lifecycle jobs run at "
                    + "least once a minute), was " + jobInterval);
        }
        if (s3Endpoint.isPresent() && (s3Bucket.isEmpty() || s3AccessKey.isEmpty() || s3SecretKey.isEmpty())) {
            throw new IllegalArgumentException("UPLOADKIT_S3_ENDPOINT is set, so UPLOADKIT_S3_BUCKET, "
                    + "UPLOADKIT_S3_ACCESS_KEY and UPLOADKIT_S3_SECRET_KEY must be set too");
        }
    }

    private static void positive(String variable, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(variable + ": must be positive, was " + value);
        }
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the flag or variable that is wrong
     */
    public static StandaloneConfig from(String[] args, Map<String, String> env) {
        Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
            }
            if (!KNOWN_FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
            }
            flags.put(name, value);
        }
        Source s = new Source(flags, env);
        return new StandaloneConfig(
                s.get("host", "UPLOADKIT_HOST").orElse("127.0.0.1"),
                s.integer("port", "UPLOADKIT_PORT", 8080),
                Path.of(s.get("data-dir", "UPLOADKIT_DATA_DIR").orElse("data")).toAbsolutePath(),
                s.get("database-url", "UPLOADKIT_DATABASE_URL"),
                s.get("database-user", "UPLOADKIT_DATABASE_USER"),
                s.get("database-password", "UPLOADKIT_DATABASE_PASSWORD"),
                s.get(null, "UPLOADKIT_S3_ENDPOINT"),
                s.get(null, "UPLOADKIT_S3_BUCKET"),
                s.get(null, "UPLOADKIT_S3_ACCESS_KEY"),
                s.get(null, "UPLOADKIT_S3_SECRET_KEY"),
                s.get(null, "UPLOADKIT_S3_REGION"),
                s.get(null, "UPLOADKIT_ADMIN_KEY"),
                s.get(null, "UPLOADKIT_SIGNING_KEY"),
                s.get("public-base-url", "UPLOADKIT_PUBLIC_BASE_URL"),
                DataSize.ofMebibytes(s.integer("max-file-size-mb", "UPLOADKIT_MAX_FILE_SIZE_MB", 5120)),
                s.duration("UPLOADKIT_TRASH_RETENTION", Duration.ofDays(30)),
                s.duration("UPLOADKIT_INTERRUPTED_AFTER", Duration.ofMinutes(1)),
                s.duration("UPLOADKIT_JOB_INTERVAL", Duration.ofMinutes(1)),
                s.duration("UPLOADKIT_SWEEP_GRACE", Duration.ofMinutes(10)),
                StorageOptions.from(env));
    }

    private static final java.util.Set<String> KNOWN_FLAGS = java.util.Set.of("host", "port", "data-dir",
            "database-url", "database-user", "database-password", "public-base-url", "max-file-size-mb");

    private record Source(Map<String, String> flags, Map<String, String> env) {
        Optional<String> get(String flag, String variable) {
            String v = flag == null ? null : flags.get(flag);
            if (v == null) {
                v = env.get(variable);
            }
            return Optional.ofNullable(v).map(String::strip).filter(x -> !x.isEmpty());
        }

        Duration duration(String variable, Duration fallback) {
            return get(null, variable).map(v -> Durations.parse(variable, v)).orElse(fallback);
        }

        int integer(String flag, String variable, int fallback) {
            Optional<String> v = get(flag, variable);
            try {
                return v.map(Integer::parseInt).orElse(fallback);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + flag + " / " + variable + ": '" + v.get()
                        + "' is not a whole number");
            }
        }
    }
}
