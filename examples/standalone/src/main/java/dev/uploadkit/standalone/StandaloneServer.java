package dev.uploadkit.standalone;

import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.AdminBootstrap;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.limits.RateLimiter;
import dev.uploadkit.core.limits.RequestLimits;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.store.S3Settings;
import dev.uploadkit.core.usage.RequestLogWriter;
import dev.uploadkit.jdbc.UploadkitDatabase;
import dev.uploadkit.servlet.SignedDownloadLinks;
import dev.uploadkit.servlet.UploadServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Uploadkit as a program: embedded Jetty with the API at {@code /v1/external/*}, on H2 and local files by
 * default, with its background work (crash sweeps, trash purge) running. Stops gracefully on SIGTERM: in-flight requests get up to 30 seconds, then are aborted, and an
 * aborted upload leaves nothing behind.
 */
public final class StandaloneServer implements AutoCloseable {
    /** Where the API is mounted. */
    public static final String MOUNT = "/v1/external";
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration JOB_POLLING = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_LINK_TTL = Duration.ofHours(1);
    /** How long the program waits for its first answer before it opens the store and starts the background work. */
    private static final Duration QUIET_START = Duration.ofSeconds(1);
    /**
     * Bytes Jetty reads from a connection at once (its default is 8 KiB). An upload's body then arrives in 64 KiB
     * reads, an eighth of the system calls and thread wake-ups: measured on 1 GiB uploads, ~25 % less server CPU
     * per GiB (bench/README.md). Jetty takes the buffers from its pool and gives each back once its connection has
     * nothing left to read, so idle keep-alive connections hold none.
     */
    static final int INPUT_BUFFER_SIZE = 64 * 1024;
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private final Server server;
    private final UploadkitDatabase database;
    private final LazyStore store;
    private final UploadService uploads;
    private final BackgroundWork background;
    private final RequestLogWriter requestLog;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held by the steps of a start that follow listening, and by {@link #close()}. */
    private final Object lifecycle = new Object();

    private StandaloneServer(Server server, UploadkitDatabase database, LazyStore store, UploadService uploads,
                             BackgroundWork background, RequestLogWriter requestLog) {
        this.server = server;
        this.requestLog = requestLog;
        this.uploads = uploads;
        this.background = background;
        this.database = database;
        this.store = store;
    }

    public static void main(String[] args) throws Exception {
        if (StandaloneConfig.asksForHelp(args)) {
            System.out.print(StandaloneConfig.USAGE);
            System.out.flush();
            return;
        }
        StandaloneConfig config;
        try {
            config = StandaloneConfig.from(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        jettyWithoutMBeanServer();
        StandaloneServer server;
        try {
            server = start(config, System.out,
                    running -> Runtime.getRuntime().addShutdownHook(new Thread(running::close, "uploadkit-shutdown")),
                    QUIET_START);
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("Failed to bind")) {
                throw e;
            }
            System.err.println("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause()));
            System.exit(2);
            return;
        } catch (UploadException e) {
            // Such as a database another server holds (H2 locks its file) or one that cannot be reached.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("Cannot start: " + e.getMessage() + (root == e ? "" : " " + root.getMessage()));
            System.exit(2);
            return;
        }
        server.server.join();
    }

    /**
     * Tells Jetty how many object references fill a cache line, which it otherwise asks the platform MBean server
     * (whether oops are compressed): starting that server registers every platform MBean, JFR's included, a good
     * share of a start. Only padding depends on it; the heap size tells compressed oops for every default setting.
     */
    private static void jettyWithoutMBeanServer() {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            int referenceBytes = Runtime.getRuntime().maxMemory() < (32L << 30) ? 4 : 8;
            int cacheLine = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
            int references = Math.max(1, cacheLine / referenceBytes);
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, String.valueOf(references));
        }
    }

    /**
     * Starts a server; the admin key line, if any, goes to {@code out}.
     *
     * @throws Exception if the database, the store or the port cannot be opened
     */
    public static StandaloneServer start(StandaloneConfig config, PrintStream out) throws Exception {
        return start(config, out, running -> { }, Duration.ZERO);
    }

    /**
     * Starts a server, handing it to {@code listening} as soon as it listens, before the work that starts after
     * that (background work, the store): {@link #main} registers its SIGTERM hook there, so a stop that arrives
     * then still closes the database.
     *
     * <p>With a {@code quietStart} above zero (the program, not the API), the listening line is printed as soon as
     * the port is open, and that work waits for the first answer, or {@code quietStart} if no request comes, so
     * that the first request does not share the machine with it; {@code start} returns once it has started.
     */
    static StandaloneServer start(StandaloneConfig config, PrintStream out, Consumer<StandaloneServer> listening,
                                  Duration quietStart) throws Exception {
        Files.createDirectories(config.dataDir());
        Phases phases = new Phases();
        UploadkitDatabase database = openDatabase(config);
        phases.done("database");
        LazyStore store = null;
        UploadService uploads = null;
        BackgroundWork background = null;
        RequestLogWriter requestLog = null;
        StandaloneServer running = null;
        try {
            store = openStore(config);
            byte[] signingKey = signingKey(config, database);
            AtomicReference<String> apiBase = new AtomicReference<>(config.publicBaseUrl().orElse(null));
            StorageSettings storage = config.storage().settings(config.dataDir());
            uploads = UploadService.builder().catalog(database.catalog()).store(store)
                    .backgroundCatalog(database.backgroundCatalog())
                    .interruptedAfter(config.interruptedAfter())
                    .downloadLinks(new SignedDownloadLinks(signingKey, DOWNLOAD_LINK_TTL, apiBase::get))
                    .outboundPolicy(config.outboundPolicy()).importTimeout(config.importTimeout())
                    .storageSettings(storage)
                    .maxFileSize(config.maxFileSize()).lookupCacheTtl(config.lookupCacheTtl()).build();
            WebhookService webhooks = WebhookService.builder().catalog(database.catalog())
                    .backgroundCatalog(database.backgroundCatalog()).secrets(storage.secrets())
                    .policy(config.outboundPolicy()).retryDelays(config.webhookRetryDelays()).build();
            requestLog = RequestLogWriter.builder().store(database.requestLog()).storageProbe(uploads::dedupStats)
                    .build();
            requestLog.start();
            RateLimiter limiter = database.rateLimiter();
            background = BackgroundWork.builder().uploadService(uploads).webhooks(webhooks)
                    .job(requestLog.purgeJob(config.logRetention(), config.jobInterval()))
                    .job(limiter.purgeJob(config.jobInterval()))
                    .jobRunner(database.jobRunner(uploads.instanceId(), min(JOB_POLLING, config.jobInterval())))
                    .heartbeatInterval(min(HEARTBEAT, config.interruptedAfter().dividedBy(6)))
                    .jobInterval(config.jobInterval()).gracePeriod(config.sweepGrace())
                    .trashRetention(config.trashRetention()).unstoredTtl(config.unstoredTtl())
                    .importConcurrency(config.importConcurrency()).onImportEnded(requestLog::imported).build();
            phases.done("service");
            AccessService access = AccessService.create(database.projects(), config.plans(), config.lookupCacheTtl());

            UploadServlet.Builder servlet = UploadServlet.builder().uploadService(uploads).accessService(access)
                    .webhookService(webhooks).signingKey(signingKey).downloadTokenTtl(DOWNLOAD_LINK_TTL)
                    .docs(config.docs())
                    .limits(RequestLimits.create(limiter, access))
                    .requestLog(requestLog).trustedProxies(config.trustedProxies());
            config.publicBaseUrl().ifPresent(servlet::publicBaseUrl);
            UploadServlet built = servlet.build();
            phases.done("servlet");

            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            server.setErrorHandler(new JsonErrorHandler());
            HttpConnectionFactory connections = new HttpConnectionFactory(http);
            connections.setInputBufferSize(INPUT_BUFFER_SIZE);
            ServerConnector connector = new ServerConnector(server, connections);
            connector.setHost(config.host());
            connector.setPort(config.port());
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.setErrorHandler(new JsonErrorHandler());
            context.addServlet(new ServletHolder("uploadkit", built), MOUNT + "/*");
            FirstAnswer firstAnswer = new FirstAnswer(context);
            server.setHandler(new GracefulHandler(firstAnswer));
            server.setStopTimeout(STOP_TIMEOUT.toMillis());
            server.start();
            phases.done("jetty");
            // Made once the port is ours: a start that cannot listen prints no key it would then lose.
            AdminBootstrap.ensureAdminKey(access, config.adminKey()).ifPresent(key -> {
                out.println("Admin API key: " + key.plaintext());
                out.flush();
            });
            phases.done("admin key");
            running = new StandaloneServer(server, database, store, uploads, background, requestLog);
            apiBase.compareAndSet(null, running.baseUrl());
            listening.accept(running);
            boolean quiet = !quietStart.isZero() && !quietStart.isNegative();
            if (quiet && !running.closed.get()) {
                announce(out, running);
                firstAnswer.await(quietStart);
                phases.done("first answer");
            }
            if (!running.finishStart(webhooks, phases)) {
                return running;
            }
            LOG.info("Started: {}", phases);
            if (!quiet) {
                announce(out, running);
            }
            return running;
        } catch (Exception | Error e) {
            if (running != null) {
                running.close();
                throw e;
            }
            if (background != null) {
                background.close();
            }
            if (requestLog != null) {
                requestLog.close();
            }
            if (uploads != null) {
                uploads.close();
            }
            if (store != null) {
                store.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * Starts what no list needs, once the server listens: the store (before the background work, whose imports
     * write to it), the background work, and sealing secrets again under the current master key (a request opens
     * either). A stop that comes meanwhile (SIGTERM right after the port opened) waits for the step under way, and
     * the steps after it are skipped; returns false then.
     */
    private boolean finishStart(WebhookService webhooks, Phases phases) {
        synchronized (lifecycle) {
            if (closed.get()) {
                return false;
            }
            openNow(store);
            phases.done("store");
            if (closed.get()) {
                return false;
            }
            background.start();
            int resealed = uploads.storage().resealSecrets();
            if (resealed > 0) {
                LOG.info("Sealed {} storage secrets again under the current master key", resealed);
            }
            int sealed = webhooks.sealSecrets();
            if (sealed > 0) {
                LOG.info("Sealed {} webhook signing secrets under the current master key", sealed);
            }
            phases.done("background work");
            return !closed.get();
        }
    }

    private static void announce(PrintStream out, StandaloneServer running) {
        out.println("Uploadkit listening on " + running.baseUrl());
        out.flush();
    }

    /** Returns the API's base URL, e.g. {@code http://127.0.0.1:8080/v1/external}. */
    public String baseUrl() {
        ServerConnector c = (ServerConnector) server.getConnectors()[0];
        String host = c.getHost().contains(":") ? "[" + c.getHost() + "]" : c.getHost();
        return "http://" + host + ":" + c.getLocalPort() + MOUNT;
    }

    /** Returns how many bytes the connector reads from a connection at once. */
    int inputBufferSize() {
        return server.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class).getInputBufferSize();
    }

    /**
     * Stops accepting requests, lets in-flight ones finish (up to 30 s), then stops the background work, and closes
     * the service, store and database.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (lifecycle) {
            stop();
        }
    }

    private void stop() {
        try {
            if (server.isStarted()) {
                server.stop();
            }
        } catch (Exception e) {
            LOG.warn("Jetty did not stop cleanly", e);
        } finally {
            background.close();
            requestLog.close();
            uploads.close();
            store.close();
            database.close();
            LOG.info("Uploadkit stopped");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static UploadkitDatabase openDatabase(StandaloneConfig config) {
        String url = config.databaseUrl()
                .orElse("jdbc:h2:file:" + config.dataDir().resolve("db").resolve("uploadkit"));
        boolean h2 = url.startsWith("jdbc:h2:");
        return UploadkitDatabase.connect(url, config.databaseUser().orElse(h2 ? "sa" : null),
                config.databasePassword().orElse(h2 ? "" : null));
    }

    /**
     * The configured store, not opened yet: no request but an upload or download needs it, and opening it (the
     * jclouds context) is the most costly part of a start. Its settings are checked now, so a bad one still fails
     * the start.
     */
    private static LazyStore openStore(StandaloneConfig config) {
        LazyStore store;
        if (config.s3Endpoint().isPresent()) {
            S3Settings.Builder s3 = S3Settings.builder().endpoint(config.s3Endpoint().get())
                    .bucket(config.s3Bucket().orElseThrow()).accessKey(config.s3AccessKey().orElseThrow())
                    .secretKey(config.s3SecretKey().orElseThrow()).pathStyle(true);
            config.s3Region().ifPresent(s3::region);
            S3Settings settings = s3.build();
            store = new LazyStore("s3", () -> JcloudsFileStore.s3("s3", settings));
        } else {
            Path files = config.dataDir().resolve("files");
            store = new LazyStore("local", () -> JcloudsFileStore.filesystem("local", files));
        }
        return store;
    }

    /** Opens the store; if it cannot be opened yet, the first request that needs it tries again. */
    private static void openNow(LazyStore store) {
        try {
            store.open();
        } catch (RuntimeException e) {
            LOG.warn("The store could not be opened yet; the first request that needs it tries again", e);
        }
    }

    /**
     * The download-link signing key: {@code UPLOADKIT_SIGNING_KEY}, else the one kept in the database, which every
     * instance on it shares (made by the first start; a {@code <data-dir>/signing.key} of an earlier version is
     * adopted as that key, so its links keep working).
     */
    private static byte[] signingKey(StandaloneConfig config, UploadkitDatabase database) {
        if (config.signingKey().isPresent()) {
            return config.signingKey().get().getBytes(StandardCharsets.UTF_8);
        }
        Path file = config.dataDir().resolve("signing.key");
        String kept = database.sharedSecret(SignedDownloadLinks.KEPT_KEY_NAME, () -> {
            if (!Files.exists(file)) {
                return SignedDownloadLinks.newKey();
            }
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return SignedDownloadLinks.decodeKey(kept);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The download-link signing key kept in the database (table server_secrets,"
                    + " name " + SignedDownloadLinks.KEPT_KEY_NAME + ") is not a base64 key of 32 bytes or more", e);
        }
    }

    /**
     * How long each step of the start took, in wall time and in CPU time of the starting thread (steadier on a busy
     * machine), and the JVM before it, for the log line that ends a start.
     */
    private static final class Phases {
        private final long jvmMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final StringBuilder text = new StringBuilder();
        private final long first = System.nanoTime();
        private long last = first;
        private long lastCpu = threads.getCurrentThreadCpuTime();

        void done(String phase) {
            long now = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime();
            text.append(", ").append(phase).append(' ').append((now - last) / 1_000_000).append(" ms (cpu ")
                    .append((cpu - lastCpu) / 1_000_000).append(')');
            last = now;
            lastCpu = cpu;
        }

        @Override
        public String toString() {
            return "JVM to main " + jvmMillis + " ms" + text + ", total since JVM start "
                    + (jvmMillis + (last - first) / 1_000_000) + " ms";
        }
    }
}
