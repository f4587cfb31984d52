package dev.uploadkit.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The uploads this instance is streaming, each with what aborts its stream, so that a cancel reaches them: at
 * once when it is made here, or within a watch interval when another instance made it ({@link #uuids()} is what the
 * watcher asks the catalog about).
 */
public final class InFlight {
    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);

    private final ConcurrentHashMap<UUID, List<Runnable>> streams = new ConcurrentHashMap<>();

    /** A registration, ended by {@link #close()} when the stream is done. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers {@code abort} to run when upload {@code uuid} is cancelled, until the registration is closed. */
    public Registration register(UUID uuid, Runnable abort) {
        streams.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(abort);
        return () -> streams.computeIfPresent(uuid, (k, list) -> {
            list.remove(abort);
            return list.isEmpty() ? null : list;
        });
    }

    /** Returns the uploads being streamed here now. */
    public Set<UUID> uuids() {
        return Set.copyOf(streams.keySet());
    }

    /** Aborts the streams of {@code uuid} here, if any; returns whether there were some. */
    public boolean abort(UUID uuid) {
        List<Runnable> aborts = streams.get(uuid);
        if (aborts == null) {
            return false;
        }
        for (Runnable abort : aborts) {
            try {
                abort.run();
            } catch (RuntimeException e) {
                LOG.warn("Could not abort the stream of cancelled upload {}", uuid, e);
            }
        }
        return true;
    }
}
