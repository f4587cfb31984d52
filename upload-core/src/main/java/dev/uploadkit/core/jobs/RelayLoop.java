package dev.uploadkit.core.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The event relay's loop, run on a thread of its own from {@link BackgroundWork#start()} until {@link #stop()}: a
 * round at once, then a round whenever {@link #wake()} is called (an event committed in this process), else after
 * {@code idle}; for {@code idle} after a round that relayed events, after {@code busy} at most, so that events other
 * instances commit (which wake only their own relay) wait no longer than that while events flow, even when a round
 * falls between two of their commits and finds none. Wakes merge into one round, which starts no sooner than
 * {@code busy} after the last one started.
 */
final class RelayLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);

    private final IntSupplier round;
    private final Duration idle;
    private final Duration busy;
    private final Runnable afterRelayed;
    private final Semaphore wakes = new Semaphore(0);
    private volatile boolean stopped;

    /**
     * @param round delivers the pending events, returns how many
     * @param afterRelayed runs after a round that relayed events
     */
    RelayLoop(IntSupplier round, Duration idle, Duration busy, Runnable afterRelayed) {
        this.round = round;
        this.idle = idle;
        this.busy = busy.compareTo(idle) < 0 ? busy : idle;
        this.afterRelayed = afterRelayed;
    }

    /** Asks for a round now; never blocks. */
    void wake() {
        if (wakes.availablePermits() == 0) {
            wakes.release();
        }
    }

    /**
     * Lets the wakes that come within {@code busy} of the last round's start make one round: every upload's commit
     * wakes the relay, and a round per commit cost each small upload a transaction of its own (~17 % more server CPU
     * per upload in the upload benchmark). A wake long after the last round starts its round at once.
     */
    private void gather(long lastRoundStart) throws InterruptedException {
        long until = lastRoundStart + busy.toNanos();
        long left;
        while (!stopped && (left = until - System.nanoTime()) > 0) {
            wakes.tryAcquire(left, TimeUnit.NANOSECONDS);
        }
    }

    /** Ends the loop after the round in progress, if any. */
    void stop() {
        stopped = true;
        wakes.release();
    }

    @Override
    public void run() {
        long lastRelayed = System.nanoTime() - idle.toNanos();
        while (!stopped) {
            long roundStart = System.nanoTime();
            boolean failed = false;
            try {
                if (round.getAsInt() > 0) {
                    lastRelayed = System.nanoTime();
                    afterRelayed.run();
                }
            } catch (RuntimeException e) {
                failed = true;
                LOG.warn("Could not deliver the outbox's events; retrying in {}", idle, e);
            }
            Duration pause = !failed && System.nanoTime() - lastRelayed < idle.toNanos() ? busy : idle;
            try {
                if (wakes.tryAcquire(pause.toNanos(), TimeUnit.NANOSECONDS)) {
                    gather(roundStart);
                }
                wakes.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
