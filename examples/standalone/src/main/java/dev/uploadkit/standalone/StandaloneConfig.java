package dev.uploadkit.standalone;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Durations;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.limits.Plans;
import dev.uploadkit.core.net.OutboundPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * @param outboundPolicy which addresses webhooks (and URL imports) may reach: public ones, plus UPLOADKIT_OUTBOUND_ALLOW
 * @param webhookRetryDelays the pauses before each retry of a failed webhook delivery
 * @param sweepGrace how old leftover temporary files and blobs being deleted must be before the sweep removes them
 * @param docs whether the Swagger UI page is served at {@code /v1/external/docs}
 * @param unstoredTtl how long unstored, failed and cancelled uploads are kept
 * @param importTimeout the longest a URL import may take
 * @param importConcurrency how many URL imports this instance runs at once
 * @param plans the plans projects may be on: the defaults plus {@code UPLOADKIT_PLANS}
 * @param logRetention how long request-log entries are kept
 * @param trustedProxies proxies whose {@code X-Forwarded-For} the request log believes
 * @param lookupCacheTtl how long keys, plans and default storage connections read from the database are used
 *     before being read again (0 to 1 minute; zero reads them on every request)
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
        OutboundPolicy outboundPolicy,
        List<Duration> webhookRetryDelays,
        boolean docs,
        Duration unstoredTtl,
        Duration importTimeout,
        int importConcurrency,
        Plans plans,
        Duration logRetention,
        List<String> trustedProxies,
        Duration lookupCacheTtl,
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
            UPLOADKIT_ADMIN_KEY sets the admin key (24-256 printable ASCII characters, no spaces);
              UPLOADKIT_SIGNING_KEY the download-link secret (>= 32 chars).
            UPLOADKIT_WEBHOOK_RETRY_DELAYS: pauses before each webhook retry (default 30s,2m,15m,1h,3h,6h,12h).
            UPLOADKIT_TRASH_RETENTION: how long trashed files are kept (default 30d; 90s, 10m, 24h, 30d or PT24H).
            Crash sweeps: UPLOADKIT_INTERRUPTED_AFTER (no heartbeat for this long = crashed, default 1m),
              UPLOADKIT_JOB_INTERVAL (sweep and trash purge, default and at most 1m), UPLOADKIT_SWEEP_GRACE
              (age of leftover temporary files the sweep removes, default 10m).
            UPLOADKIT_DOCS=false turns off the Swagger UI page at /v1/external/docs (openapi.json stays).
            Webhooks and URL imports: UPLOADKIT_OUTBOUND_ALLOW (addresses or CIDR ranges they may reach besides public ones,
              e.g. 127.0.0.1/32,10.0.0.0/8), UPLOADKIT_IMPORT_TIMEOUT (default 10m), UPLOADKIT_IMPORT_CONCURRENCY
              (async imports run at once per instance, default 8).
            UPLOADKIT_UNSTORED_TTL: how long store=false, failed and cancelled uploads are kept (default 24h).
            Limits and logs: UPLOADKIT_PLANS (extra or changed plans, name:monthly:burst,... with 0 = no limit),
              UPLOADKIT_LOG_RETENTION (request log, default 30d), UPLOADKIT_TRUSTED_PROXIES (addresses or CIDR
              ranges whose X-Forwarded-For is believed, default none), UPLOADKIT_LOOKUP_CACHE_TTL (how long
              keys, plans and default storage connections are used before being read again, default 3s, at most 1m,
              0s = every request; a change made through another instance applies within this time).
            """ + StorageOptions.USAGE;

    public StandaloneConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0-65535, was " + port);
        }
        positive("UPLOADKIT_TRASH_RETENTION", trashRetention);
        positive("UPLOADKIT_INTERRUPTED_AFTER", interruptedAfter);
        positive("UPLOADKIT_JOB_INTERVAL", jobInterval);
        positive("UPLOADKIT_SWEEP_GRACE", sweepGrace);
        positive("UPLOADKIT_UNSTORED_TTL", unstoredTtl);
        positive("UPLOADKIT_IMPORT_TIMEOUT", importTimeout);
        if (importConcurrency < 1 || importConcurrency > 256) {
            throw new IllegalArgumentException("UPLOADKIT_IMPORT_CONCURRENCY: must be 1-256, was " + importConcurrency);
        }
        positive("UPLOADKIT_LOG_RETENTION", logRetention);
        try {
            adminKey.ifPresent(AccessService::checkImportable);
        } catch (UploadException e) {
            throw new IllegalArgumentException("UPLOADKIT_ADMIN_KEY: " + e.getMessage());
        }
        trustedProxies = List.copyOf(trustedProxies);
        if (lookupCacheTtl.isNegative() || lookupCacheTtl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("UPLOADKIT_LOOKUP_CACHE_TTL: must be 0s to 1m, was " + lookupCacheTtl
                    + "; a revoked key keeps working on other instances for up to this long");
        }
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

    /** Returns true if the arguments ask for the usage text ({@code --help} or {@code -h}, anywhere). */
    public static boolean asksForHelp(String[] args) {
        return java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
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
        // One parse of UPLOADKIT_OUTBOUND_ALLOW for webhooks, URL imports and storage endpoints alike.
        OutboundPolicy outbound = outboundPolicy(s.get(null, "UPLOADKIT_OUTBOUND_ALLOW").orElse(null));
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
                outbound,
                s.get(null, "UPLOADKIT_WEBHOOK_RETRY_DELAYS").map(StandaloneConfig::delays)
                        .orElse(WEBHOOK_RETRY_DELAYS),
                s.bool("UPLOADKIT_DOCS", true),
                s.duration("UPLOADKIT_UNSTORED_TTL", Duration.ofHours(24)),
                s.duration("UPLOADKIT_IMPORT_TIMEOUT", Duration.ofMinutes(10)),
                s.integer(null, "UPLOADKIT_IMPORT_CONCURRENCY", 8),
                plans(s.get(null, "UPLOADKIT_PLANS").orElse("")),
                s.duration("UPLOADKIT_LOG_RETENTION", Duration.ofDays(30)),
                s.get(null, "UPLOADKIT_TRUSTED_PROXIES").map(v -> List.of(v.split(","))).orElse(List.of()),
                s.duration("UPLOADKIT_LOOKUP_CACHE_TTL", Duration.ofSeconds(3)),
                StorageOptions.from(env, outbound));
    }

    /** 30 s, 2 min, 15 min, 1 h, 3 h, 6 h, 12 h: eight attempts over about 22 hours. */
    static final List<Duration> WEBHOOK_RETRY_DELAYS = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12));

    private static OutboundPolicy outboundPolicy(String allowList) {
        try {
            return OutboundPolicy.parse(allowList);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("UPLOADKIT_OUTBOUND_ALLOW: " + e.getMessage(), e);
        }
    }

    private static List<Duration> delays(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                delays.add(Durations.parse("UPLOADKIT_WEBHOOK_RETRY_DELAYS", part.strip()));
            }
        }
        return List.copyOf(delays);
    }

    private static Plans plans(String text) {
        try {
            return Plans.defaultsWith(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("UPLOADKIT_PLANS: " + e.getMessage(), e);
        }
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

        boolean bool(String variable, boolean fallback) {
            return get(null, variable).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new IllegalArgumentException(variable + ": must be true or false, was '" + v + "'");
            }).orElse(fallback);
        }

        int integer(String flag, String variable, int fallback) {
            Optional<String> v = get(flag, variable);
            try {
                return v.map(Integer::parseInt).orElse(fallback);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException((flag == null ? "" : "--" + flag + " / ") + variable + ": '"
                        + v.get() + "' is not a whole number");
            }
        }
    }
}
