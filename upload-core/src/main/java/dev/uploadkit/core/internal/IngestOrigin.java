package dev.uploadkit.core.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.store.FileStore;

import java.io.InputStream;

/**
 * Where the bytes of a staged upload come from: a URL ({@code sourceUrl}, recorded on the upload), and for an
 * asynchronous import the {@code claimed} upload they go to, which is kept on failure (its caller marks it
 * failed) rather than removed; {@code onCancel} also runs when the upload is cancelled (it closes the source);
 * {@code expectedLength} is how many bytes the source most likely holds, or -1 (a guess the store may use: see
 * {@link FileStore#put(String, InputStream, String, long)}).
 */
public record IngestOrigin(String sourceUrl, Upload claimed, Runnable onCancel, long expectedLength) {
    static final IngestOrigin DIRECT = direct(-1);

    /** A client's upload, of {@code expectedLength} bytes most likely, or -1. */
    public static IngestOrigin direct(long expectedLength) {
        return new IngestOrigin(null, null, () -> { }, expectedLength);
    }
}
