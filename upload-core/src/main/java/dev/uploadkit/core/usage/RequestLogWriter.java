package dev.uploadkit.core.usage;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.DedupStats;
import dev.uploadkit.core.jobs.RecurringJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Writes request-log entries and daily usage roll-ups to a {@link RequestLogStore} in batches, on a thread of its
 * own, from {@link #start()} to {@link #close()}.
 *
 * <p>{@link #record} never blocks and never fails: the entry goes to a bounded queue, and when the queue is full
 * it is dropped and counted ({@link #dropped()}). Usage counts (requests, uploads, downloads and their bytes) are
 * added up in memory apart from the queue, so an overflow of the log loses log lines, never usage. Each batch is
 * one transaction: up to {@link Builder#batchSize} entries and the counts gathered since the last one. After a
 * batch, the storage of each project that made a successful change is measured with the storage probe (at most once
 * per {@link Builder#storageInterval}, since measuring may cost a query over the project's files) and kept as that
 * day's snapshot. A batch the store refuses is logged and counted as {@link #lost()}.
 *
 * <p>The loop runs on the host's {@link Builder#executor} if given (it occupies one thread until closed), else on
 * a daemon thread of its own.
 */
public final class RequestLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogWriter.class);
    /** The retention purge's job name. */
    public static final String PURGE_JOB = "uploadkit-request-log-purge";
    private static final int PURGE_CHUNK = 10_000;

    private final RequestLogStore store;
    private final Clock clock;
    private final BlockingQueue<RequestLogEntry> queue;
    private final int batchSize;
    private final Duration flushInterval;
    private final Executor executor;
    private final Function<UUID, DedupStats> storageProbe;
    private final Map<DayKey, long[]> counts = new ConcurrentHashMap<>();
    private final Set<UUID> changed = ConcurrentHashMap.newKeySet();
    /** When each project's storage was last measured; only the loop's thread touches it. */
    private final Map<UUID, Instant> measured = new HashMap<>();
    private final Duration storageInterval;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object progress = new Object();

    private record DayKey(UUID projectId, LocalDate day) {
    }

    /** Queued by {@link #close()} to wake a loop waiting for entries; never written. */
    private static final RequestLogEntry WAKE_UP = new RequestLogEntry(0, new UUID(0, 0), Instant.EPOCH, "-", "-", 0,
            null, 0, null, null, null, -1, -1);

    private RequestLogWriter(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.queue = new ArrayBlockingQueue<>(b.capacity);
        this.batchSize = b.batchSize;
        this.flushInterval = b.flushInterval;
        this.executor = b.executor;
        this.storageProbe = b.storageProbe;
        this.storageInterval = b.storageInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns the store entries go to, for reading the log and the usage. */
    public RequestLogStore store() {
        return store;
    }

    /**
     * Hands an entry to the writer without waiting. Counts its usage at once; queues the log line unless the queue
     * is full or the writer closed.
     *
     * @return false if the log line was dropped
     */
    public boolean record(RequestLogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        count(entry.projectId(), entry.time(), 1, entry.uploadedBytes(), entry.downloadedBytes());
        if (entry.status() < 400 && !"GET".equals(entry.method()) && !"HEAD".equals(entry.method())) {
            changed.add(entry.projectId());
        }
        if (closed.get() || !queue.offer(entry)) {
            dropped.incrementAndGet();
            return false;
        }
        accepted.incrementAndGet();
        return true;
    }

    /**
     * Counts a completed URL import that ran in the background ({@code BackgroundWork.Builder#onImportEnded}) as an
     * upload of its project on the day it completed, with its bytes; it was no request of its own. Other outcomes
     * count nothing. (A synchronous import is counted with its request, as a form upload.)
     */
    public void imported(Upload upload) {
        if (upload.status() != UploadStatus.COMPLETED) {
            return;
        }
        count(upload.projectId(), upload.updatedAt(), 0, upload.sizeBytes(), -1);
        changed.add(upload.projectId());
    }

    /** Adds to the day's counts of {@code projectId}: requests, an upload and a download unless their bytes are -1. */
    private void count(UUID projectId, Instant at, int requests, long uploadedBytes, long downloadedBytes) {
        DayKey key = new DayKey(projectId, LocalDate.ofInstant(at, ZoneOffset.UTC));
        counts.compute(key, (k, c) -> {
            long[] n = c == null ? new long[5] : c;
            n[0] += requests;
            if (uploadedBytes >= 0) {
                n[1]++;
                n[2] += uploadedBytes;
            }
            if (downloadedBytes >= 0) {
                n[3]++;
                n[4] += downloadedBytes;
            }
            return n;
        });
    }

    /** Returns how many log lines were taken so far (queued or written). */
    public long accepted() {
        return accepted.get();
    }

    /** Returns how many log lines were dropped because the queue was full (or the writer closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Returns how many log lines were lost because the store refused their batch. */
    public long lost() {
        return lost.get();
    }

    /**
     * Waits until every entry recorded before this call has been written (or lost), and the usage counted so far
     * with it; for tests and orderly shutdowns.
     *
     * @return false if that took longer than {@code timeout}
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (done.get() < target || !counts.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return true;
    }

    /**
     * Starts the writing loop.
     *
     * @throws IllegalStateException if started before or closed
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("RequestLogWriter: start() may be called once, before close()");
        }
        if (executor != null) {
            executor.execute(this::loop);
        } else {
            Thread t = new Thread(this::loop, "uploadkit-request-log");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Returns a job that deletes log entries older than {@code retention} (roll-ups stay), for a
     * {@link dev.uploadkit.core.jobs.JobRunner}.
     */
    public RecurringJob purgeJob(Duration retention, Duration interval) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention: must be a positive duration, was " + retention
                    + "; use for example Duration.ofDays(30)");
        }
        return RecurringJob.of(PURGE_JOB, interval, () -> {
            Instant cutoff = clock.instant().minus(retention);
            while (store.purge(cutoff, PURGE_CHUNK) == PURGE_CHUNK) {
                // more to delete: go on in chunks, each its own short transaction
            }
        });
    }

    private void loop() {
        List<RequestLogEntry> batch = new ArrayList<>(batchSize);
        try {
            while (true) {
                boolean stopping = closed.get();
                RequestLogEntry first = stopping ? queue.poll()
                        : queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    batch.removeIf(e -> e == WAKE_UP);
                }
                if (!batch.isEmpty() || !counts.isEmpty()) {
                    write(batch);
                    batch.clear();
                } else if (stopping) {
                    return;
                } else {
                    measureStorage();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void write(List<RequestLogEntry> batch) {
        List<UsageDelta> deltas = new ArrayList<>();
        for (DayKey key : List.copyOf(counts.keySet())) {
            long[] n = counts.remove(key);
            if (n != null) {
                deltas.add(new UsageDelta(key.projectId(), key.day(), n[0], n[1], n[2], n[3], n[4]));
            }
        }
        try {
            store.append(batch, deltas);
        } catch (RuntimeException e) {
            lost.addAndGet(batch.size());
            LOG.warn("Could not write {} request-log entries and {} usage counts; they are lost", batch.size(),
                    deltas.size(), e);
        }
        measureStorage();
        synchronized (progress) {
            done.addAndGet(batch.size());
            progress.notifyAll();
        }
    }

    private void measureStorage() {
        if (storageProbe == null || changed.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (UUID project : List.copyOf(changed)) {
            Instant last = measured.get(project);
            if (last != null && now.isBefore(last.plus(storageInterval)) && !closed.get()) {
                continue;
            }
            changed.remove(project);
            measured.put(project, now);
            try {
                DedupStats stats = storageProbe.apply(project);
                store.recordStorage(project, today, stats.totalFiles(), stats.storedBytes());
            } catch (RuntimeException e) {
                LOG.warn("Could not record the storage of project {}", project, e);
            }
        }
    }

    /**
     * Stops taking entries, writes what is queued (waiting up to 10 seconds), and ends the loop. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !started.get()) {
            return;
        }
        queue.offer(WAKE_UP);
        try {
            if (!finished.await(10, TimeUnit.SECONDS)) {
                LOG.warn("The request log did not finish writing within 10 s; {} entries stay unwritten", queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link RequestLogWriter}; the store is required. */
    public static final class Builder {
        private RequestLogStore store;
        private Clock clock = Clock.systemUTC();
        private int capacity = 10_000;
        private int batchSize = 500;
        private Duration flushInterval = Duration.ofMillis(200);
        private Executor executor;
        private Function<UUID, DedupStats> storageProbe;
        private Duration storageInterval = Duration.ofMinutes(1);

        private Builder() {
        }

        /** The least time between two storage measurements of one project; default 1 minute. */
        public Builder storageInterval(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("storageInterval: must be zero or positive, was " + value
                        + "; use e.g. Duration.ofMinutes(1)");
            }
            storageInterval = value;
            return this;
        }

        public Builder store(RequestLogStore value) {
            store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** The clock of the retention purge and of storage snapshots; default the system UTC clock. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The most entries waiting to be written; more are dropped and counted. Default 10,000. */
        public Builder capacity(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("capacity: must be at least 1, was " + value + "; use e.g. 10000");
            }
            capacity = value;
            return this;
        }

        /** The most entries written in one transaction; default 500. */
        public Builder batchSize(int value) {
            if (value < 1 || value > 10_000) {
                throw new IllegalArgumentException("batchSize: must be 1 to 10000, was " + value + "; use e.g. 500");
            }
            batchSize = value;
            return this;
        }

        /** How long the loop waits for a first entry before writing the usage counts alone; default 200 ms. */
        public Builder flushInterval(Duration value) {
            if (value == null || value.toMillis() < 1) {
                throw new IllegalArgumentException("flushInterval: must be at least 1 ms, was " + value
                        + "; use e.g. Duration.ofMillis(200)");
            }
            flushInterval = value;
            return this;
        }

        /** Runs the loop on the host's executor, which stays the host's; default a daemon thread of its own. */
        public Builder executor(Executor value) {
            executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        /** Measures a project's storage after it changed something, e.g. {@code uploads::dedupStats}. */
        public Builder storageProbe(Function<UUID, DedupStats> value) {
            storageProbe = Objects.requireNonNull(value, "storageProbe");
            return this;
        }

        /** @throws IllegalStateException if the store is missing */
        public RequestLogWriter build() {
            if (store == null) {
                throw new IllegalStateException("store: not set; call store(...) with, for example, "
                        + "UploadkitDatabase.requestLog()");
            }
            return new RequestLogWriter(this);
        }
    }
}
