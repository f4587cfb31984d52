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

    /**
     * Returns the image format's short name ({@code png}, {@code jpeg}, {@code gif}, {@code webp}, {@code bmp},
     * {@code tiff}, {@code heic}, {@code heif}, {@code avif}, ...), taken from the detected type, when the size of
     * an image was read.
     */
    public java.util.Optional<String> imageFormat() {
        if (image == null || !mime.startsWith("image/")) {
            return java.util.Optional.empty();
        }
        String subtype = mime.substring("image/".length());
        int plus = subtype.indexOf('+');
        subtype = plus < 0 ? subtype : subtype.substring(0, plus);
        subtype = subtype.startsWith("x-ms-") ? subtype.substring(5) : subtype.startsWith("x-") ? subtype.substring(2) : subtype;
        return java.util.Optional.of(subtype);
    }

    /** Width and height in pixels, as the image is shown (EXIF rotation applied). */
    public record ImageInfo(int width, int height) {
        public ImageInfo {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
            }
        }
    }
}
