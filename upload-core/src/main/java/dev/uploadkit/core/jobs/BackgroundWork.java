package dev.uploadkit.core.jobs;

import dev.uploadkit.core.Durations;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.internal.ContentSniffer;
import dev.uploadkit.core.internal.webhook.WebhookDispatcher;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.catalog.ImportJobs;
import dev.uploadkit.core.catalog.RemoteCopyJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The background work of one instance of an {@link UploadService}, from {@link #start()} to {@link #close()}:
 * heartbeats of this instance and its crash sweep ({@link UploadService#sweepInterrupted}); on a {@link JobRunner}
 * shared by every instance, the trash purge ({@link UploadService#purgeTrash}); and the event relay, which every
 * {@link Builder#eventInterval}, and at once after this process committed events, hands the outbox's pending events
 * to the webhooks and the webhook sink ({@link UploadService#deliverEvents}) on a thread of its own, every
 * {@value #BUSY_EVENT_INTERVAL_MS} ms while events flow and for one {@code eventInterval} after; the webhook
 * dispatcher is woken after each relay round that wrote deliveries ({@link UploadService#outboxSignals()}).
 * Relays of several instances share the outbox: each pending event goes to one of them at a time. Every
 * {@link Builder#watchInterval} a watcher thread aborts this instance's streams whose uploads were cancelled
 * elsewhere ({@link UploadService#abortCancelledStreams}) and claims as many pending URL imports as there are free
 * import threads ({@link Builder#importConcurrency}), which run them ({@link UploadService#runImport}), then, with
 * the threads still free, large remote copies ({@link dev.uploadkit.core.StorageService#runRemoteCopy}); the
 * unstored removal ({@link UploadService#removeUnstored}) is a second shared job beside the trash purge.
 *
 * <p>The crash sweep runs on every instance rather than as a shared job: it is safe to run concurrently, and a
 * shared job whose run a crash cut off stays claimed by the dead instance until the job runner declares the run
 * dead, which would hold back exactly the cleanup that the crash made necessary.
 *
 * <p>Owns the job runner (closed by {@link #close()}) and the heartbeat scheduler unless the host provides one
 * ({@link Builder#scheduler}), which stays the host's, and the relay's thread. Every instance on a shared catalog should run one: a
 * {@code processing} upload of an instance without heartbeats is swept as cut off by a crash once older than
 * {@link UploadService#interruptedAfter()}.
 *
 * <pre>{@code
 * BackgroundWork work = BackgroundWork.builder().uploadService(uploads)
 *         .jobRunner(database.jobRunner(uploads.instanceId())).trashRetention(Duration.ofDays(30)).build();
 * work.start();
 * ...
 * work.close(); // before closing the service and the database
 * }</pre>
 */
public final class BackgroundWork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);
    /** The trash purge's job name. */
    public static final String TRASH_PURGE_JOB = "uploadkit-trash-purge";
    /** The job name of the purge of outbox events delivered over a day ago. */
    public static final String OUTBOX_PURGE_JOB = "uploadkit-outbox-purge";
    /** How long delivered outbox events are kept (for inspection) before the purge deletes them. */
    public static final Duration OUTBOX_RETENTION = Duration.ofDays(1);
    /** The job name of the purge of webhook deliveries past their retention. */
    public static final String DELIVERY_PURGE_JOB = "uploadkit-webhook-delivery-purge";
    /** The most the relay waits for its next round after a round that relayed events, in milliseconds. */
    public static final int BUSY_EVENT_INTERVAL_MS = 10;
    /** The unstored removal's job name. */
    public static final String UNSTORED_REMOVAL_JOB = "uploadkit-unstored-removal";

    private final UploadService uploads;
    private final JobRunner runner;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Duration heartbeatInterval;
    private final List<RecurringJob> jobs;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration jobInterval;
    private final Runnable sweep;
    private volatile ScheduledFuture<?> heartbeats;
    private volatile ScheduledFuture<?> sweeps;
    private final ExecutorService relay;
    private final RelayLoop relayLoop;
    private final List<Runnable> unsubscribe = new CopyOnWriteArrayList<>();
    private final WebhookDispatcher dispatcher;
    /** Claims pending imports and watches for cancels of this instance's streams. */
    private final ScheduledExecutorService watcher;
    private final ExecutorService importers;
    private final Semaphore importSlots;
    private final Duration watchInterval;
    private final Consumer<Upload> importEnded;

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private BackgroundWork(Builder b) {
        this.uploads = b.uploads;
        this.importEnded = b.importEnded;
        this.runner = b.runner;
        this.ownsScheduler = b.scheduler == null;
        // Two threads, so that a long sweep never delays a heartbeat.
        this.scheduler = ownsScheduler ? Executors.newScheduledThreadPool(2, daemon("uploadkit-background"))
                : b.scheduler;
        this.heartbeatInterval = b.heartbeatInterval;
        this.relay = Executors.newSingleThreadExecutor(daemon("uploadkit-event-relay"));
        this.watchInterval = b.watchInterval;
        this.watcher = Executors.newSingleThreadScheduledExecutor(daemon("uploadkit-import-watcher"));
        this.importSlots = new Semaphore(b.importConcurrency);
        this.importers = Executors.newFixedThreadPool(b.importConcurrency, daemon("uploadkit-import"));
        Duration retention = b.trashRetention;
        Duration unstoredTtl = b.unstoredTtl;
        Duration grace = b.gracePeriod;
        this.jobInterval = b.jobInterval;
        this.sweep = () -> uploads.sweepInterrupted(grace);
        List<RecurringJob> all = new ArrayList<>();
        all.add(RecurringJob.of(TRASH_PURGE_JOB, b.jobInterval, () -> uploads.purgeTrash(retention)));
        all.add(RecurringJob.of(OUTBOX_PURGE_JOB, b.jobInterval, () -> uploads.purgeDeliveredEvents(OUTBOX_RETENTION)));
        if (b.webhooks != null) {
            WebhookService webhooks = b.webhooks;
            all.add(RecurringJob.of(DELIVERY_PURGE_JOB, b.jobInterval, webhooks::purgeDeliveries));
        }
        all.add(RecurringJob.of(UNSTORED_REMOVAL_JOB, b.jobInterval, () -> uploads.removeUnstored(unstoredTtl)));
        all.addAll(b.extraJobs);
        this.jobs = List.copyOf(all);
        this.dispatcher = b.webhooks == null ? null : b.webhooks.newDispatcher(uploads.instanceId());
        this.relayLoop = new RelayLoop(uploads::deliverEvents, b.eventInterval,
                Duration.ofMillis(BUSY_EVENT_INTERVAL_MS), dispatcher == null ? () -> { } : dispatcher::wake);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns the recurring jobs this work runs on the shared job runner. */
    public List<RecurringJob> jobs() {
        return jobs;
    }

    /**
     * Records a first heartbeat, then keeps them coming and starts the jobs; loads file-type detection on the
     * scheduler meanwhile, so that the first upload does not wait for it.
     *
     * @throws IllegalStateException if started before or closed
     * @throws dev.uploadkit.core.UploadException if the first heartbeat cannot be recorded
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("BackgroundWork: start() may be called once, before close()");
        }
        uploads.heartbeat();
        // The first upload would otherwise wait ~0.3 s for type detection to load.
        scheduler.execute(BackgroundWork::prepareTypeDetection);
        long period = heartbeatInterval.toMillis();
        heartbeats = scheduler.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
        long every = jobInterval.toMillis();
        sweeps = scheduler.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        runner.start(jobs);
        if (dispatcher != null) {
            dispatcher.start();
            unsubscribe.add(uploads.outboxSignals().onDeliveriesWritten(dispatcher::wake));
        }
        unsubscribe.add(uploads.outboxSignals().onEventsCommitted(relayLoop::wake));
        relay.execute(relayLoop);
        long watch = watchInterval.toMillis();
        watcher.scheduleWithFixedDelay(this::watch, 0, watch, TimeUnit.MILLISECONDS);
    }

    private static void prepareTypeDetection() {
        try {
            ContentSniffer.prepare();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Could not load file-type detection ahead of the first upload", e);
        }
    }

    private void watch() {
        try {
            uploads.abortCancelledStreams();
        } catch (RuntimeException e) {
            LOG.warn("Could not look for cancelled uploads; retrying in {}", watchInterval, e);
        }
        pollImports();
    }

    /** Claims as many pending imports as there are free import threads and starts them. */
    private void pollImports() {
        try {
            int free = importSlots.availablePermits();
            if (free == 0 || closed.get()) {
                return;
            }
            for (ImportJobs.Job job : uploads.claimImports(free)) {
                submit(() -> importEnded.accept(uploads.runImport(job)),
                        "The import of upload " + job.upload().uuid());
            }
            free = importSlots.availablePermits();
            if (free > 0) {
                for (RemoteCopyJobs.Job job : uploads.storage().claimRemoteCopies(free)) {
                    submit(() -> uploads.storage().runRemoteCopy(job), "Remote copy " + job.id());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not claim pending imports or remote copies; retrying in {}", watchInterval, e);
        }
    }

    /** Runs a claimed job on an import thread, holding one of the slots. */
    private void submit(Runnable job, String name) {
        importSlots.acquireUninterruptibly();
        try {
            importers.execute(() -> runJob(job, name));
        } catch (RejectedExecutionException e) {
            // Cannot happen (the import threads stop after the watcher); run it here: an import is handed back at
            // once, a copy finishes or is taken over by another instance once this one's heartbeats stop.
            runJob(job, name);
        }
    }

    private void runJob(Runnable job, String name) {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed", name, e);
        } finally {
            importSlots.release();
            try {
                watcher.execute(this::pollImports);
            } catch (RejectedExecutionException closing) {
                // no more imports are claimed once closed
            }
        }
    }

    private void sweep() {
        try {
            sweep.run();
        } catch (RuntimeException e) {
            LOG.warn("The crash sweep failed; it runs again in {}", jobInterval, e);
        }
    }

    private void beat() {
        try {
            uploads.heartbeat();
        } catch (RuntimeException e) {
            LOG.warn("Could not record this instance's heartbeat", e);
        }
    }

    /**
     * Stops the event relay and the jobs (waiting a while for runs in progress), hands back the URL imports in
     * progress (pending again at once, for any instance), then stops the heartbeats; shuts down the heartbeat scheduler
     * if this object created it. Idempotent. Events not yet delivered stay in the outbox.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            unsubscribe.forEach(Runnable::run);
            stop(watcher);
            relayLoop.stop();
            stop(relay);
            stopImports();
            if (dispatcher != null) {
                dispatcher.close();
            }
            runner.close();
        } finally {
            for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {sweeps, heartbeats}) {
                if (f != null) {
                    f.cancel(false);
                }
            }
            if (ownsScheduler) {
                scheduler.shutdownNow();
            }
        }
    }

    /**
     * Hands the imports in progress back at once ({@link UploadService#handBackImports}): each becomes pending again,
     * without its partial bytes, for another instance or the next start; then waits for their threads to end. A run
     * that started just now is caught by a later round of the hand-back.
     */
    private void stopImports() {
        importers.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            do {
                uploads.handBackImports();
            } while (!importers.awaitTermination(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
            if (!importers.isTerminated()) {
                LOG.warn("Imports still running 10 s after they were handed back; interrupting them");
                importers.shutdownNow();
            }
        } catch (InterruptedException e) {
            importers.shutdownNow();
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not hand back the imports in progress; a crash sweep will", e);
            importers.shutdownNow();
        }
    }

    /**
     * Stops {@code executor}, letting a round in progress finish (a while at most): a delivery round, so that its
     * transaction ends cleanly, or a watcher round, which may claim imports.
     */
    private static void stop(ExecutorService executor) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link BackgroundWork}; the upload service and the job runner are required. */
    public static final class Builder {
        private UploadService uploads;
        private JobRunner runner;
        private ScheduledExecutorService scheduler;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration jobInterval = Duration.ofMinutes(1);
        private Duration trashRetention = Duration.ofDays(30);
        private Duration gracePeriod = Duration.ofMinutes(10);
        private Duration eventInterval = Duration.ofMillis(100);
        private WebhookService webhooks;
        private Duration watchInterval = Duration.ofMillis(250);
        private int importConcurrency = 8;
        private Duration unstoredTtl = Duration.ofHours(24);
        private final List<RecurringJob> extraJobs = new ArrayList<>();
        private Consumer<Upload> importEnded = upload -> { };

        private Builder() {
        }

        /**
         * The pause between looks for pending URL imports to claim and for cancelled uploads whose streams this
         * instance holds (aborted within about this long); default 250 ms, at least 10 ms.
         */
        public Builder watchInterval(Duration value) {
            Durations.requirePositive("watchInterval", value, "Duration.ofMillis(250)");
            if (value.toMillis() < 10) {
                throw new IllegalArgumentException("watchInterval: must be at least 10 ms, was " + value
                        + "; use for example Duration.ofMillis(250)");
            }
            watchInterval = value;
            return this;
        }

        /** How many URL imports and remote copy jobs this instance runs at once, each on a thread of its own; default 8, 1 to 256. */
        public Builder importConcurrency(int value) {
            if (value < 1 || value > 256) {
                throw new IllegalArgumentException("importConcurrency: must be 1 to 256, was " + value
                        + "; use for example 8");
            }
            importConcurrency = value;
            return this;
        }

        /**
         * How long unstored uploads ({@code store=false}), and failed and cancelled ones, are kept after they were
         * created before a job removes them; default 24 hours.
         */
        public Builder unstoredTtl(Duration value) {
            unstoredTtl = Durations.requirePositive("unstoredTtl", value, "Duration.ofHours(24)");
            return this;
        }

        /**
         * Is told the outcome of each URL import this instance ran to its end (its upload completed, failed, cancelled
         * or handed back), e.g. {@code RequestLogWriter::imported} to count completed imports in the usage.
         */
        public Builder onImportEnded(Consumer<Upload> value) {
            importEnded = Objects.requireNonNull(value, "onImportEnded");
            return this;
        }

        /** Runs another recurring job on the job runner beside the built-in ones, e.g. the request log's purge. */
        public Builder job(RecurringJob value) {
            extraJobs.add(Objects.requireNonNull(value, "job"));
            return this;
        }

        public Builder uploadService(UploadService value) {
            uploads = Objects.requireNonNull(value, "uploadService");
            return this;
        }

        /** The runner of the recurring jobs; closed by {@link BackgroundWork#close()}. */
        public Builder jobRunner(JobRunner value) {
            runner = Objects.requireNonNull(value, "jobRunner");
            return this;
        }

        /** Runs heartbeats and the crash sweep on the host's scheduler, which stays the host's. Default: two own threads. */
        public Builder scheduler(ScheduledExecutorService value) {
            scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** How often this instance records that it is alive; default 10 s. */
        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = Durations.requirePositive("heartbeatInterval", value, "Duration.ofSeconds(10)");
            return this;
        }

        /** The pause between runs of the crash sweep and of the trash purge; default 1 minute, at most 1 minute. */
        public Builder jobInterval(Duration value) {
            Durations.requirePositive("jobInterval", value, "Duration.ofMinutes(1)");
            if (value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("jobInterval: must be at most 1 minute (lifecycle jobs run at "
                        + "least once a minute), was " + value + "; use Duration.ofMinutes(1) or less");
            }
            jobInterval = value;
            return this;
        }

        /** How long uploads stay in trash before the purge deletes them for good; default 30 days. */
        public Builder trashRetention(Duration value) {
            trashRetention = Durations.requirePositive("trashRetention", value, "Duration.ofDays(30)");
            return this;
        }

        /**
         * How old {@code deleting} blobs and temporary files must be before the sweep removes them; default
         * 10 minutes. A temporary file stays fresh while written, so this only has to exceed a stalled client's
         * timeout.
         */
        public Builder gracePeriod(Duration value) {
            gracePeriod = Durations.requirePositive("gracePeriod", value, "Duration.ofMinutes(10)");
            return this;
        }

        /**
         * Sends the webhooks' deliveries (on the service's dispatcher, started and closed with this work) and purges
         * their log past its retention. Without it, events still become deliveries, but nothing sends them.
         */
        public Builder webhooks(WebhookService value) {
            webhooks = Objects.requireNonNull(value, "webhooks");
            return this;
        }

        /**
         * The pause between rounds of the event relay, each delivering every pending event, while no events flow
         * and none are committed in this process (a commit here starts a round at once); default 100 ms, at least
         * 10 ms.
         */
        public Builder eventInterval(Duration value) {
            Durations.requirePositive("eventInterval", value, "Duration.ofMillis(100)");
            if (value.toMillis() < 10) {
                throw new IllegalArgumentException("eventInterval: must be at least 10 ms, was " + value
                        + "; use for example Duration.ofMillis(100)");
            }
            eventInterval = value;
            return this;
        }

        /**
         * @throws IllegalStateException if the upload service or the job runner is missing, or heartbeats are not
         *     at least twice as frequent as {@link UploadService#interruptedAfter()}
         */
        public BackgroundWork build() {
            if (uploads == null) {
                throw new IllegalStateException("uploadService: not set; call uploadService(...) with the "
                        + "UploadService whose background work this is");
            }
            if (runner == null) {
                throw new IllegalStateException("jobRunner: not set; call jobRunner(...) with, for example, "
                        + "UploadkitDatabase.jobRunner(uploads.instanceId())");
            }
            if (heartbeatInterval.multipliedBy(2).compareTo(uploads.interruptedAfter()) > 0) {
                throw new IllegalStateException("heartbeatInterval: " + heartbeatInterval + " is more than half of "
                        + "the service's interruptedAfter " + uploads.interruptedAfter() + "; beat more often");
            }
            return new BackgroundWork(this);
        }
    }
}
