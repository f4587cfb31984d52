package dev.uploadkit.core.internal.store;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The part buffers of every S3 write of the process: at most {@code budget} bytes of them exist at once, handed
 * out, or kept idle for reuse (at most {@code keptIdle} buffers). A write that cannot have its first buffer waits
 * for another write to give one back; one that already has a buffer never waits here (it sends its parts one
 * after another instead), so writes always progress. One buffer is always allowed, whatever the budget.
 *
 * <p>Thread-safe. Fair: writes waiting for a first buffer get one in the order they asked.
 */
public final class PartBuffers {
    /** The process's pool: a quarter of the maximum heap. */
    static final PartBuffers SHARED = new PartBuffers(Runtime.getRuntime().maxMemory() / 4, 4);

    private final long budget;
    private final int keptIdle;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition given = lock.newCondition();
    private final Deque<byte[]> idle = new ArrayDeque<>();
    /** Bytes of the buffers handed out or idle. */
    private long held;
    private long peak;
    private int waiting;

    /**
     * @param budget the most bytes of buffers to hold at once
     * @param keptIdle the most buffers kept for reuse once given back
     */
    public PartBuffers(long budget, int keptIdle) {
        if (budget < 1 || keptIdle < 0) {
            throw new IllegalArgumentException("budget: " + budget + ", keptIdle: " + keptIdle
                    + "; give a budget of at least one byte and zero or more idle buffers");
        }
        this.budget = budget;
        this.keptIdle = keptIdle;
    }

    /**
     * Returns a buffer of {@code size} bytes, waiting while the budget is taken.
     *
     * @throws InterruptedIOException if the thread is interrupted while waiting
     */
    byte[] take(int size) throws InterruptedIOException {
        lock.lock();
        try {
            byte[] buffer;
            while ((buffer = claim(size)) == null) {
                waiting++;
                try {
                    given.await();
                } finally {
                    waiting--;
                }
            }
            return buffer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting for a part "
                    + "buffer of " + size + " bytes (" + held + " of " + budget + " bytes held)");
            interrupted.initCause(e);
            throw interrupted;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a buffer of {@code size} bytes, or null at once if the budget is taken. */
    byte[] tryTake(int size) {
        lock.lock();
        try {
            return claim(size);
        } finally {
            lock.unlock();
        }
    }

    /** Takes back a buffer that {@link #take} or {@link #tryTake} returned; nothing may use it afterwards. */
    void give(byte[] buffer) {
        lock.lock();
        try {
            if (idle.size() < keptIdle) {
                idle.push(buffer);
            } else {
                held -= buffer.length;
            }
            given.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the bytes of the buffers handed out or idle now. */
    public long held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the most bytes of buffers held at once so far. */
    public long peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many threads wait in {@link #take} now. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private byte[] claim(int size) {
        for (Iterator<byte[]> it = idle.iterator(); it.hasNext(); ) {
            byte[] buffer = it.next();
            if (buffer.length == size) {
                it.remove();
                return buffer;
            }
        }
        // Idle buffers of another size (another store's parts) make room first.
        while (held + size > budget && !idle.isEmpty()) {
            held -= idle.pop().length;
        }
        if (held + size > budget && held > 0) {
            return null;
        }
        held += size;
        peak = Math.max(peak, held);
        try {
            return new byte[size];
        } catch (OutOfMemoryError e) {
            held -= size;
            throw e;
        }
    }
}
