package dev.uploadkit.core.store;

import java.io.InputStream;
import java.util.Optional;

/**
 * A bucket of immutable objects addressed by key: the bytes behind uploads.
 *
 * <p>Every method blocks until the store has answered. Failures are thrown as
 * {@link dev.uploadkit.core.UploadException} with {@code STORAGE_ERROR} (or {@code NOT_FOUND} where stated);
 * no vendor exception crosses this interface.
 *
 * <p>A store does not decide keys, deduplicate, or know about projects; the catalog does that.
 */
public interface FileStore extends AutoCloseable {

    /**
     * The name (last key segment) of a temporary object starts with this and ends with {@code .part}; a store's
     * sweep of temporary files ({@link #removeStaleTemporaryFiles}) removes only such objects. A store may keep them
     * apart from its other objects (a filesystem store keeps them all in one folder, whatever their key's folder, so
     * that its sweep lists that folder alone); they are read, moved and deleted under their keys as any other.
     */
    String TEMP_PREFIX = ".uploadkit-";

    /** Returns the id of this store, unique among the stores of one service; recorded on every blob. */
    String id();

    /**
     * Writes {@code content}, of unknown length, under {@code key}, reading it to the end.
     *
     * <p>The object becomes visible only once complete. If reading {@code content} throws (an
     * {@link dev.uploadkit.core.UploadException} such as {@code FILE_TOO_LARGE} passes through unchanged) or
     * the store fails, nothing is left visible under {@code key}: no partial object, no unfinished multipart
     * upload. Memory used is bounded and independent of the object's size.
     *
     * @return the number of bytes written
     */
    long put(String key, InputStream content, String contentType);

    /**
     * Like {@link #put(String, InputStream, String)}, told that {@code content} most likely holds
     * {@code expectedLength} bytes ({@code -1}: no idea). It is a guess, not a promise: a multipart form's file part
     * is the rest of the request less its closing delimiter, unless fields follow the file. A store may use it to
     * write in one request what it would otherwise send in parts, and must store exactly what {@code content} holds
     * whether the guess was right or not. Default: ignores the guess.
     */
    default long put(String key, InputStream content, String contentType, long expectedLength) {
        return put(key, content, contentType);
    }

    /**
     * Like {@link #put(String, InputStream, String, long)}, for bytes under a key of their own that the caller next
     * moves ({@link #move}), removes ({@link #delete}) or seals ({@link #seal}) before anyone else reads them: where
     * the content ends before the guess, the store may leave the object longer than the content until then, and
     * fold mending it into the move (S3: one copy inside the bucket instead of two). Default: that put.
     */
    default long putStaged(String key, InputStream content, String contentType, long expectedLength) {
        return put(key, content, contentType, expectedLength);
    }

    /** Finishes a {@link #putStaged} of {@code key} that is not moved: the object is then exactly the content. */
    default void seal(String key) {
    }

    /**
     * Opens the object under {@code key}, whole or the given range of it.
     *
     * @throws dev.uploadkit.core.UploadException {@code NOT_FOUND} if there is no such object
     */
    StoredObject get(String key, Optional<ByteRange> range);

    /** Returns the size of the object under {@code key}, or empty if there is none. */
    Optional<Long> size(String key);

    /**
     * Moves the object under {@code fromKey} to {@code toKey}, replacing any object there: a rename where the
     * store has one, otherwise a copy inside the store followed by removing the source. The bytes never pass
     * through this process where the store can avoid it.
     *
     * <p>Never leaves a partial object: after a failure the object is under {@code fromKey}, under {@code toKey},
     * or (when removing the source failed) under both; the caller removes what it no longer wants.
     *
     * @throws dev.uploadkit.core.UploadException {@code NOT_FOUND} if there is no object under {@code fromKey}
     */
    void move(String fromKey, String toKey);

    /** Removes the object under {@code key}; removing a missing object is not an error. */
    void delete(String key);

    /**
     * Removes temporary files that writes cut off by a crash left behind, if this store makes any, that were last
     * written before {@code before}; returns how many. A write in progress keeps its temporary file fresh, so
     * {@code before} should lie well behind the slowest client. Default: none to remove.
     */
    default int removeStaleTemporaryFiles(java.time.Instant before) {
        return 0;
    }

    /**
     * Like {@link #removeStaleTemporaryFiles(java.time.Instant)}, except that a temporary file {@code destination}
     * claims (given its key), however recent, is moved under the key it returns, or removed if an object is there
     * already: the staged bytes of an upload whose record committed before a crash (or until now) kept them from their
     * move. Returns how many files were removed or moved. Default: {@link #removeStaleTemporaryFiles(java.time.Instant)}, claiming
     * nothing (a store that never stages bytes for a later move, {@link #movesByRename} false, needs no more).
     */
    default int removeStaleTemporaryFiles(java.time.Instant before,
                                          java.util.function.Function<String, Optional<String>> destination) {
        return removeStaleTemporaryFiles(before);
    }

    /**
     * Whether {@link #move} is a rename here (a local folder), so that bytes written under a temporary key and moved
     * once their record has committed cost no second write. Default: false.
     */
    default boolean movesByRename() {
        return false;
    }

    /**
     * Removes what unfinished writes of {@code key} left in this store (a filesystem store's temporary files, an S3
     * store's unfinished multipart uploads); returns how many. For the crash sweep, once the instance that was writing
     * {@code key} is known to be gone: a write of {@code key} still in progress would fail. Default: none to remove.
     */
    default int discardUnfinishedWrites(String key) {
        return 0;
    }

    /**
     * Aborts unfinished multipart uploads left in this store, if it makes any, that are older than {@code before}
     * and whose key {@code ownedKey} does not claim for a write in progress; returns how many. They come from
     * crashes and from retried starts whose first reply was lost. Default: none to abort.
     */
    default int abortStaleMultipartUploads(java.time.Instant before, java.util.function.Predicate<String> ownedKey) {
        return 0;
    }

    /** Releases the store's connections and threads. */
    @Override
    void close();
}
