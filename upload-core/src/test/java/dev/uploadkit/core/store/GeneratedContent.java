package dev.uploadkit.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Seeded pseudo-random content of any size, produced on the fly as a stream that does not know its length
 * ({@link #available()} is always 0), optionally failing after a number of bytes. Nothing is held in memory.
 */
public final class GeneratedContent extends InputStream {
    /** What a failing stream throws; IOExceptions and unchecked exceptions both allowed. */
    @FunctionalInterface
    public interface Failure {
        Exception create();
    }

    private final SplittableRandom random;
    private final long size;
    private final long failAfter;
    private final Failure failure;
    private long position;
    private boolean closed;

    private GeneratedContent(long seed, long size, long failAfter, Failure failure) {
        this.random = new SplittableRandom(seed);
        this.size = size;
        this.failAfter = failAfter;
        this.failure = failure;
    }

    /** Returns {@code size} bytes from {@code seed}. */
    public static GeneratedContent of(long seed, long size) {
        return new GeneratedContent(seed, size, Long.MAX_VALUE, null);
    }

    /** Returns the first {@code failAfter} bytes of an endless stream from {@code seed}, then throws. */
    public static GeneratedContent failingAfter(long seed, long failAfter, Failure failure) {
        return new GeneratedContent(seed, Long.MAX_VALUE, failAfter, failure);
    }

    /** Returns the SHA-256 of {@code size} bytes from {@code seed}, in hex. */
    public static String sha256(long seed, long size) {
        try (InputStream in = of(seed, size)) {
            return sha256(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads {@code in} to its end and returns its SHA-256 in hex. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
            byte[] buffer = new byte[64 * 1024];
            while (digesting.read(buffer) >= 0) {
                // reading is the point
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns {@code size} bytes from {@code seed} as an array; for small sizes. */
    public static byte[] bytes(long seed, int size) {
        try (InputStream in = of(seed, size)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Returns whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == failAfter) {
            Exception e = failure.create();
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
        long left = Math.min(size, failAfter) - position;
        if (left <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) random.nextInt(256);
        }
        position += n;
        return n;
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
