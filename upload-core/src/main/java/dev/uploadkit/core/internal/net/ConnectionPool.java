package dev.uploadkit.core.internal.net;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Idle keep-alive connections, kept per destination so that a connection is only ever reused for the address it
 * was connected to after a check, with the same scheme, port and host name (TLS verified that name). A connection
 * idle longer than {@code idleTimeout} is closed at the next take or offer; at most {@code maxIdlePerKey} are kept
 * per destination. Thread-safe; runs no thread.
 */
public final class ConnectionPool {
    /** Idle connections older than this are checked for a close by the peer before reuse. */
    private static final long CHECK_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    /** A destination: a connection is reused only for exactly the same one. */
    public record Key(boolean https, String host, InetAddress address, int port) {
    }

    private record Idle(Http1Exchange connection, long since) {
    }

    private final long idleTimeoutNanos;
    private final int maxIdlePerKey;
    /** Guarded by itself; newest last. */
    private final Map<Key, ArrayDeque<Idle>> idle = new HashMap<>();
    private long nextSweep;

    public ConnectionPool(Duration idleTimeout, int maxIdlePerKey) {
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxIdlePerKey = maxIdlePerKey;
        this.nextSweep = System.nanoTime() + idleTimeoutNanos;
    }

    /**
     * Returns the most recently used idle connection to {@code key}, restarted for a request that must end by
     * {@code deadlineNanos}, or {@code null} if none is kept. One idle for over a second is first checked for a
     * close by the peer (and dropped if so).
     */
    public Http1Exchange take(Key key, long deadlineNanos) {
        while (true) {
            Idle candidate;
            List<Http1Exchange> expired = new ArrayList<>();
            long now = System.nanoTime();
            synchronized (idle) {
                sweep(now, expired);
                ArrayDeque<Idle> queue = idle.get(key);
                candidate = queue == null ? null : queue.pollLast();
                if (queue != null && queue.isEmpty()) {
                    idle.remove(key);
                }
            }
            expired.forEach(ConnectionPool::closeQuietly);
            if (candidate == null) {
                return null;
            }
            boolean fresh = now - candidate.since() < idleTimeoutNanos;
            if (fresh && (now - candidate.since() < CHECK_AFTER_NANOS || !candidate.connection().closedByPeer())) {
                candidate.connection().restart(deadlineNanos);
                return candidate.connection();
            }
            closeQuietly(candidate.connection());
        }
    }

    /** Keeps {@code connection} if it is {@link Http1Exchange#reusable()} and there is room; else closes it. */
    public void offer(Key key, Http1Exchange connection) {
        List<Http1Exchange> expired = new ArrayList<>();
        boolean kept = false;
        if (connection.reusable()) {
            long now = System.nanoTime();
            synchronized (idle) {
                sweep(now, expired);
                ArrayDeque<Idle> queue = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
                if (queue.size() < maxIdlePerKey) {
                    queue.addLast(new Idle(connection, now));
                    kept = true;
                }
            }
        }
        if (!kept) {
            closeQuietly(connection);
        }
        expired.forEach(ConnectionPool::closeQuietly);
    }

    /** Returns how many idle connections are kept now. */
    public int idleCount() {
        synchronized (idle) {
            return idle.values().stream().mapToInt(ArrayDeque::size).sum();
        }
    }

    /** Closes every idle connection now; connections offered later are kept again. */
    public void closeIdle() {
        List<Idle> all = new ArrayList<>();
        synchronized (idle) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(i -> closeQuietly(i.connection()));
    }

    /** Moves connections idle past the timeout to {@code expired}, at most every few seconds; holds the lock. */
    private void sweep(long now, List<Http1Exchange> expired) {
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + Math.min(idleTimeoutNanos, Duration.ofSeconds(5).toNanos());
        for (Iterator<ArrayDeque<Idle>> queues = idle.values().iterator(); queues.hasNext(); ) {
            ArrayDeque<Idle> queue = queues.next();
            while (!queue.isEmpty() && now - queue.peekFirst().since() >= idleTimeoutNanos) {
                expired.add(queue.pollFirst().connection());
            }
            if (queue.isEmpty()) {
                queues.remove();
            }
        }
    }

    private static void closeQuietly(Http1Exchange connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
