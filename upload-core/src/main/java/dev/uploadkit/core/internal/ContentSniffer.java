package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import org.apache.tika.Tika;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Learns a file's type, and an image's pixel size, from its first bytes. Never looks at a client-sent type;
 * the filename only refines a type the bytes leave open (text formats have no magic bytes).
 */
public final class ContentSniffer {
    /** How many leading bytes are examined. */
    public static final int HEAD_SIZE = 64 * 1024;

    /** Tika loads its ~1,500 magic patterns when created; that waits for the first upload, not the start. */
    private static final class Detector {
        static final Tika TIKA = new Tika();
    }

    /** Returns the type and, for images whose header is within {@code head}, their size. */
    public ContentInfo sniff(byte[] head, int length, String filename) {
        byte[] prefix = length == head.length ? head : java.util.Arrays.copyOf(head, length);
        String mime = Detector.TIKA.detect(prefix, filename);
        ContentInfo.ImageInfo image = mime.startsWith("image/") ? imageSize(prefix) : null;
        return new ContentInfo(mime, image);
    }

    private static ContentInfo.ImageInfo imageSize(byte[] prefix) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(prefix))) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                return w > 0 && h > 0 ? new ContentInfo.ImageInfo(w, h) : null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A header cut off by HEAD_SIZE or a damaged image: the size is simply unknown.
            return null;
        }
    }
}
