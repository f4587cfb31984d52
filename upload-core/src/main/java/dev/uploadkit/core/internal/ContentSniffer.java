package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import org.apache.tika.Tika;

import java.util.Optional;

/**
 * Learns a file's type, and an image's pixel size, from its first bytes. Never looks at a client-sent type;
 * the filename only refines a type the bytes leave open (text formats have no magic bytes). Image sizes come
 * from the header alone ({@link ImageHeaders}); when Tika leaves the type open but the header is an image's,
 * the header's type is taken.
 */
public final class ContentSniffer {
    /** How many leading bytes are examined. */
    public static final int HEAD_SIZE = 64 * 1024;
    private static final String UNKNOWN = "application/octet-stream";

    /** Whether {@link Detector} has been made (in this class loader). */
    private static volatile boolean loaded;

    /** Tika, made on first use (a holder class), so that starting a server does not pay for it. */
    private static final class Detector {
        static final Tika TIKA = new Tika();

        static {
            loaded = true;
        }
    }

    /**
     * Makes the detector now rather than on the first upload (about 0.3 s of CPU: Tika's type registry, then each
     * magic clause's parsed form, which one detection of a byte that matches nothing builds). A detection running
     * meanwhile waits for it; calling it again costs one detection.
     */
    public static void prepare() {
        Detector.TIKA.detect(new byte[] {0});
    }

    /** Returns whether the detector has been made, by {@link #prepare()} or a first detection. */
    public static boolean prepared() {
        return loaded;
    }

    /** Returns the type and, for images whose header is within {@code head}, their size. */
    public ContentInfo sniff(byte[] head, int length, String filename) {
        byte[] prefix = length == head.length ? head : java.util.Arrays.copyOf(head, length);
        String mime = Detector.TIKA.detect(prefix, filename);
        if (!mime.startsWith("image/") && !mime.equals(UNKNOWN)) {
            return new ContentInfo(mime, null);
        }
        Optional<ImageHeaders.Found> found = ImageHeaders.read(prefix, length);
        if (mime.equals(UNKNOWN) && found.isPresent()) {
            mime = found.get().mime();
        }
        return new ContentInfo(mime, found.map(ImageHeaders.Found::image).orElse(null));
    }
}
