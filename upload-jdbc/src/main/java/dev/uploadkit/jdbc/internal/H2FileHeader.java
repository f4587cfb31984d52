package dev.uploadkit.jdbc.internal;

import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.RandomAccessStore;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps every chunk an H2 file store has written reachable from its file header, so that a file left by a crash
 * opens at the last chunk written.
 *
 * <p>Opening an H2 2.x file starts at the chunk its header names and follows each chunk's prediction of where the
 * next one goes. When H2 writes a chunk into space freed by dead chunks (after its retention time, 45 s by default:
 * typically the first write after a server was idle), the prediction misses; H2 then rewrites the header, but it does
 * so before it records the new chunk as its last, so the header names the chunk before it. Opening the file after a
 * crash then stops there, and every commit written since is lost, until H2 rewrites the header for another reason (20
 * versions later, or at the next miss). Seen with 2.3.232 and 2.5.252: {@code FileStore.storeBuffer} calls
 * {@code writeChunk} (which may write the header from {@code lastChunk}) before it sets {@code lastChunk}.
 *
 * <p>{@link #repair} checks, after a group commit's chunk is in the file, that the chain from the header's chunk to the
 * last one is unbroken, and writes the header again (naming the last chunk) when it is not: a 4 KiB write, only after
 * such a jump. It reaches H2's internals (its chunk lock, chunk map and header writer) through method handles; if a
 * later H2 lacks them, {@link #available} is false and {@link Durability} warns at start.
 */
final class H2FileHeader {
    private static final MethodHandle SAVE_CHUNK_LOCK;
    private static final MethodHandle LAST_CHUNK;
    private static final MethodHandle CHUNKS;
    private static final MethodHandle WRITE_STORE_HEADER;

    static {
        MethodHandle lock = null;
        MethodHandle last = null;
        MethodHandle chunks = null;
        MethodHandle writeHeader = null;
        try {
            MethodHandles.Lookup fileStore = MethodHandles.privateLookupIn(FileStore.class, MethodHandles.lookup());
            MethodHandles.Lookup randomAccess = MethodHandles.privateLookupIn(RandomAccessStore.class,
                    MethodHandles.lookup());
            lock = fileStore.findGetter(FileStore.class, "saveChunkLock", ReentrantLock.class);
            last = fileStore.findGetter(FileStore.class, "lastChunk", Chunk.class);
            chunks = fileStore.findVirtual(FileStore.class, "getChunks",
                    MethodType.methodType(java.util.concurrent.ConcurrentMap.class));
            writeHeader = randomAccess.findVirtual(RandomAccessStore.class, "writeStoreHeader",
                    MethodType.methodType(void.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            lock = null;
        }
        SAVE_CHUNK_LOCK = lock;
        LAST_CHUNK = last;
        CHUNKS = chunks;
        WRITE_STORE_HEADER = writeHeader;
    }

    private H2FileHeader() {
    }

    /** Returns whether this H2 has the internals {@link #repair} needs. */
    static boolean available() {
        return SAVE_CHUNK_LOCK != null;
    }

    /**
     * Writes {@code store}'s header again if the chunks written since the one it names do not follow one another as
     * each predicted; returns whether it did. Call it once the chunks are in the file.
     */
    static boolean repair(FileStore<?> store) {
        if (!available() || !(store instanceof RandomAccessStore)) {
            return false;
        }
        try {
            ReentrantLock lock = (ReentrantLock) SAVE_CHUNK_LOCK.invoke(store);
            lock.lock();
            try {
                Chunk<?> last = (Chunk<?>) LAST_CHUNK.invoke(store);
                @SuppressWarnings("unchecked")
                Map<Integer, ? extends Chunk<?>> chunks = (Map<Integer, ? extends Chunk<?>>) CHUNKS.invoke(store);
                if (last == null || chained(store.getStoreHeader(), chunks, last)) {
                    return false;
                }
                WRITE_STORE_HEADER.invoke(store);
                return true;
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("H2's file header could not be checked", e);
        }
    }

    /** The header's chunk id: a number once H2 wrote the header, hexadecimal text as read from the file. */
    private static int headerChunk(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value instanceof String text ? Integer.parseInt(text, 16) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Returns whether each chunk from the header's to {@code last} lies where the one before it predicted. */
    private static boolean chained(Map<String, Object> header, Map<Integer, ? extends Chunk<?>> chunks,
                                   Chunk<?> last) {
        int id = headerChunk(header.get("chunk"));
        if (id < 0 || id > last.id) {
            return false;
        }
        Chunk<?> previous = chunks.get(id);
        if (previous == null) {
            return false;
        }
        while (id < last.id) {
            Chunk<?> next = chunks.get(++id);
            if (next == null || previous.next != next.block) {
                return false;
            }
            previous = next;
        }
        return true;
    }
}
