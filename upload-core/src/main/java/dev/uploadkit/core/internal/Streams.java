package dev.uploadkit.core.internal;

import java.io.IOException;
import java.io.InputStream;

/** Small helpers for the input streams of this library, which all read in bulk. */
public final class Streams {
    private Streams() {
    }

    /**
     * Reads one byte through {@code in}'s bulk {@code read(byte[], int, int)}: for streams whose single-byte read is
     * only there to honour {@link InputStream}'s contract.
     *
     * @return the byte as 0–255, or -1 at the end of the stream
     */
    public static int readOne(InputStream in) throws IOException {
        byte[] one = new byte[1];
        return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }
}
