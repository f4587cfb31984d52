package dev.uploadkit.core;

import java.util.Objects;

/**
 * What was learned from the bytes themselves.
 *
 * @param mime the type detected from magic bytes
 * @param image the pixel size, or {@code null} when the file is not an image whose header could be read
 */
public record ContentInfo(String mime, ImageInfo image) {
    public ContentInfo {
        Objects.requireNonNull(mime, "mime");
    }

    /** Width and height in pixels. */
    public record ImageInfo(int width, int height) {
        public ImageInfo {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
            }
        }
    }
}
