package dev.uploadkit.core.internal.webhook;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.WebhookRecords.Attempt;
import dev.uploadkit.core.catalog.WebhookRecords.DueDelivery;
import dev.uploadkit.core.webhook.WebhookDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends due webhook deliveries, from {@link #start()} to {@link #close()}. One thread claims due deliveries (a
 * lease in the catalog, so several instances share the work and none sends what another holds) in batches of up to
 * 200, queues each in its webhook's lane, and records the outcomes in batches, in the transaction of the next
 * claim. A webhook has at most {@code perWebhook} deliveries being sent at a time, so a slow or dead receiver holds
 * that many senders and never the others' share; API requests never wait on a delivery. A claimed delivery that
 * could not start within half its lease (queued behind a slow receiver) is not sent: it is claimed again when its
 * lease runs out.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int CLAIM_BATCH = 200;
    /** How long this instance leaves alone the deliveries of a webhook whose secret it could not open. */
    private static final Duration UNOPENABLE_PAUSE = Duration.ofMinutes(5);
    /** Deliveries claimed (queued or being sent) per sender thread at most. */
    private static final int CLAIMED_PER_SENDER = 8;
    /** Deliveries of one webhook claimed per slot of {@code perWebhook} at most. */
    private static final int CLAIMED_PER_WEBHOOK_SLOT = 16;
    private static final Object WAKE = new Object();

    /** The dispatcher's settings. */
    public record Settings(int concurrency, int perWebhook, Duration lease, Duration pollInterval,
                           int maxFailuresInARow) {
        public Settings {
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(pollInterval, "pollInterval");
        }
    }

    private final Catalog catalog;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final Supplier<Instant> clock;
    private final Settings settings;
    private final ExecutorService senders;
    private final boolean ownsSenders;
    private final String holder;
    private final Map<UUID, Integer> outstanding = new ConcurrentHashMap<>();
    /**
     * Webhooks whose secret this instance could not open (sealed under a master key it lacks), each with the
     * {@link System#nanoTime()} until which it claims none of their deliveries, leaving them to instances that can.
     */
    private final Map<UUID, Long> unopenable = new ConcurrentHashMap<>();
    private final AtomicInteger outstandingTotal = new AtomicInteger();
    /** Guarded by itself. */
    private final Map<UUID, Lane> lanes = new HashMap<>();
    private final ConcurrentLinkedQueue<Attempt> results = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final Thread loop;
    private volatile boolean running;
    private volatile boolean closed;

    /**
     * @param holder the instance id this dispatcher's leases name (one with heartbeats, so that a crash sweep frees
     *     its leases once they stop), or {@code null} to let them run out
     */
    public WebhookDispatcher(Catalog catalog, WebhookSender sender, RetrySchedule schedule, Supplier<Instant> clock,
                             Settings settings, ExecutorService hostSenders, String holder) {
        this.catalog = catalog;
        this.holder = holder;
        this.sender = sender;
        this.schedule = schedule;
        this.clock = clock;
        this.settings = settings;
        this.ownsSenders = hostSenders == null;
        AtomicInteger threads = new AtomicInteger();
        this.senders = hostSenders != null ? hostSenders : Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "uploadkit-webhook-sender-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, "uploadkit-webhook-dispatcher");
        this.loop.setDaemon(true);
    }

    /** Starts claiming and sending. */
    public void start() {
        if (running || closed) {
            throw new IllegalStateException("WebhookDispatcher: start() may be called once, before close()");
        }
        running = true;
        loop.start();
    }

    /** Asks for a claim round now (new deliveries were written), instead of at the next poll. */
    public void wake() {
        signals.offer(WAKE);
    }

    /**
     * Stops claiming, lets deliveries being sent finish (10 s at most), records their outcomes and stops. What was
     * claimed but not sent is claimed again, here or by another instance, once its lease runs out.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!running) {
            if (ownsSenders) {
                senders.shutdownNow();
            }
            return;
        }
        running = false;
        wake();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                boolean recorded = !results.isEmpty();
                int claimed = recordAndClaim();
                if (!recorded && claimed == 0) {
                    signals.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    signals.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.warn("Webhook delivery round failed; trying again in {}: {}", settings.pollInterval(), e.toString());
                pause();
            }
        }
        drain();
    }

    private void drain() {
        if (ownsSenders) {
            senders.shutdown();
            try {
                if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
                    senders.shutdownNow();
                }
            } catch (InterruptedException e) {
                senders.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Could not record the last webhook attempts; their deliveries are sent again: {}", e.toString());
        }
        sender.closeIdleConnections();
    }

    private void pause() {
        try {
            signals.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Records the outcomes gathered so far in one transaction; returns whether there were any. */
    private boolean flush() {
        if (results.isEmpty()) {
            return false;
        }
        List<Attempt> batch = new ArrayList<>();
        for (Attempt a; (a = results.poll()) != null; ) {
            batch.add(a);
        }
        try {
            catalog.inTransaction(tx -> {
                tx.webhooks().recordAttempts(batch, settings.maxFailuresInARow());
                return null;
            });
        } catch (RuntimeException e) {
            results.addAll(batch);
            throw e;
        }
        return true;
    }

    private void release(UUID webhookId) {
        outstandingTotal.decrementAndGet();
        outstanding.computeIfPresent(webhookId, (id, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Records the outcomes gathered so far and claims as many due deliveries as there is room for, in one
     * transaction (a round trip and a commit fewer than two), and queues them in their webhooks' lanes; returns how
     * many were claimed. If the transaction fails, the outcomes are kept for the next round.
     */
    private int recordAndClaim() {
        List<Attempt> batch = new ArrayList<>();
        for (Attempt a; (a = results.poll()) != null; ) {
            batch.add(a);
        }
        int room = settings.concurrency() * CLAIMED_PER_SENDER - outstandingTotal.get();
        boolean claiming = running && room > 0;
        if (batch.isEmpty() && !claiming) {
            return 0;
        }
        int perWebhookClaims = settings.perWebhook() * CLAIMED_PER_WEBHOOK_SLOT;
        Map<UUID, Integer> perWebhook = new HashMap<>();
        outstanding.forEach((id, n) -> perWebhook.put(id, Math.max(0, perWebhookClaims - n)));
        long nowNanos = System.nanoTime();
        unopenable.values().removeIf(until -> until - nowNanos < 0);
        unopenable.keySet().forEach(id -> perWebhook.put(id, 0));
        Instant now = clock.get();
        List<DueDelivery> due;
        try {
            due = catalog.inTransaction(tx -> {
                if (!batch.isEmpty()) {
                    tx.webhooks().recordAttempts(batch, settings.maxFailuresInARow());
                }
                return claiming ? tx.webhooks().claimDue(now, now.plus(settings.lease()), Math.min(room, CLAIM_BATCH),
                        perWebhookClaims, perWebhook, holder) : List.<DueDelivery>of();
            });
        } catch (RuntimeException e) {
            results.addAll(batch);
            throw e;
        }
        // An attempt must end within its lease: it starts in the lease's first half (the timeout is at most half).
        long startBy = System.nanoTime() + settings.lease().toNanos() / 2;
        for (DueDelivery d : due) {
            outstandingTotal.incrementAndGet();
            outstanding.merge(d.webhookId(), 1, Integer::sum);
            synchronized (lanes) {
                lanes.computeIfAbsent(d.webhookId(), id -> new Lane()).queue.add(new Claimed(d, startBy));
            }
        }
        due.stream().map(DueDelivery::webhookId).distinct().forEach(this::pump);
        return due.size();
    }

    /** Starts sending the webhook's queued deliveries while it has fewer than {@code perWebhook} being sent. */
    private void pump(UUID webhookId) {
        List<Claimed> start = new ArrayList<>();
        synchronized (lanes) {
            Lane lane = lanes.get(webhookId);
            if (lane == null) {
                return;
            }
            while (lane.sending < settings.perWebhook() && !lane.queue.isEmpty()) {
                lane.sending++;
                start.add(lane.queue.poll());
            }
            if (lane.sending == 0 && lane.queue.isEmpty()) {
                lanes.remove(webhookId);
            }
        }
        for (Claimed c : start) {
            try {
                senders.execute(() -> send(c));
            } catch (RejectedExecutionException e) {
                // Closing: the delivery stays leased and is claimed again once the lease runs out.
                finished(webhookId);
            }
        }
    }

    private void finished(UUID webhookId) {
        release(webhookId);
        synchronized (lanes) {
            Lane lane = lanes.get(webhookId);
            if (lane != null) {
                lane.sending--;
            }
        }
    }

    private void send(Claimed c) {
        DueDelivery d = c.delivery();
        try {
            if (System.nanoTime() - c.startBy() > 0) {
                // Queued behind a slow receiver for half the lease: left to be claimed again when the lease ends,
                // so that no attempt outlives its lease and races another instance's.
                LOG.debug("{} waited too long for a sender; it is claimed again once its lease runs out", d.id());
                return;
            }
            WebhookSender.Result result = sender.deliver(d);
            if (result.secretUnavailable()) {
                // This instance lacks the master key of the webhook's secret: no attempt is recorded (none reached
                // the receiver, whose subscription must not be disabled for it); claimed again once the lease runs
                // out, by an instance that holds the key, if any; this one leaves the webhook alone for a while.
                unopenable.put(d.webhookId(), System.nanoTime() + UNOPENABLE_PAUSE.toNanos());
                LOG.warn("Delivery {} not sent: {}; instances sharing a database need the same master key (this "
                        + "instance claims none of the webhook's deliveries for {})", d.id(), result.error(),
                        UNOPENABLE_PAUSE);
                return;
            }
            results.add(attempt(d, result, schedule, clock.get()));
            if (result.gone()) {
                dropQueued(d.webhookId());
            }
        } catch (RuntimeException e) {
            LOG.warn("Sending {} failed unexpectedly", d, e);
            results.add(attempt(d, new WebhookSender.Result(null, 0, "INTERNAL: " + e), schedule, clock.get()));
        } finally {
            // The sender's slot is free once the attempt is over, before its outcome is recorded: the delivery
            // stays leased until then, so no claim takes it again, and the next claim need not wait for the flush.
            finished(d.webhookId());
            pump(d.webhookId());
        }
        signals.offer(WAKE);
    }

    /**
     * After a 410 the webhook is being disabled: its queued deliveries are not sent (nor failed); they stay pending
     * and are claimed again once their lease runs out, if the webhook is active again by then.
     */
    private void dropQueued(UUID webhookId) {
        int dropped;
        synchronized (lanes) {
            Lane lane = lanes.get(webhookId);
            if (lane == null) {
                return;
            }
            dropped = lane.queue.size();
            lane.queue.clear();
        }
        for (int i = 0; i < dropped; i++) {
            release(webhookId);
        }
    }

    /** A webhook's claimed deliveries waiting for a sender, and how many of its deliveries are being sent. */
    private static final class Lane {
        final ArrayDeque<Claimed> queue = new ArrayDeque<>();
        int sending;
    }

    /** A claimed delivery and the {@link System#nanoTime()} by which its attempt must start. */
    private record Claimed(DueDelivery delivery, long startBy) {
    }

    /**
     * Returns what an attempt of {@code d} that ended in {@code result} makes of it: succeeded on a 2xx; failed for
     * good on 410 (which also disables its webhook) or when the retries are used up; else pending until the next
     * retry.
     */
    public static Attempt attempt(DueDelivery d, WebhookSender.Result result, RetrySchedule schedule, Instant now) {
        if (result.succeeded()) {
            return new Attempt(d.id(), d.webhookId(), d.leaseToken(), WebhookDelivery.Status.SUCCEEDED, null,
                    result.statusCode(), result.latencyMs(), null, null, now);
        }
        if (result.gone()) {
            return new Attempt(d.id(), d.webhookId(), d.leaseToken(), WebhookDelivery.Status.FAILED, null,
                    result.statusCode(), result.latencyMs(), result.error(),
                    "The receiver answered 410 Gone.", now);
        }
        Instant next = schedule.next(d.attempts() + 1, now);
        return new Attempt(d.id(), d.webhookId(), d.leaseToken(),
                next == null ? WebhookDelivery.Status.FAILED : WebhookDelivery.Status.PENDING, next,
                result.statusCode(), result.latencyMs(), result.error(), null, now);
    }
}
