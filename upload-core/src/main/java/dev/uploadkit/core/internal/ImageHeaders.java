package dev.uploadkit.core.internal;

import com.drew.imaging.FileType;
import com.drew.imaging.FileTypeDetector;
import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.gif.GifHeaderDirectory;
import com.drew.metadata.heif.HeifDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.webp.WebpDirectory;
import dev.uploadkit.core.ContentInfo;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an image's pixel size from its header (metadata-extractor), never decoding pixels: PNG, JPEG, GIF, WebP,
 * BMP, TIFF, HEIF/HEIC and AVIF. For JPEG and TIFF an EXIF orientation that turns the image by 90° swaps width
 * and height, so the size is the one the image is shown at. A damaged or cut-off header yields nothing.
 */
final class ImageHeaders {
    private static final Set<FileType> IMAGES = Set.of(FileType.Png, FileType.Jpeg, FileType.Gif, FileType.WebP,
            FileType.Bmp, FileType.Tiff, FileType.Heif, FileType.Avif);

    private ImageHeaders() {
    }

    /** What the header says: the type metadata-extractor recognised, and the size if it could be read. */
    record Found(String mime, ContentInfo.ImageInfo image) {
    }

    static Optional<Found> read(byte[] head, int length) {
        try {
            BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(head, 0, length), length + 1);
            FileType type = FileTypeDetector.detectFileType(in);
            if (!IMAGES.contains(type)) {
                return Optional.empty();
            }
            Metadata metadata = ImageMetadataReader.readMetadata(in, length, type);
            return Optional.of(new Found(type.getMimeType(), size(type, metadata)));
        } catch (IOException | ImageProcessingException | RuntimeException e) {
            // A header cut off by the sniffed prefix, or a damaged image: the size is simply unknown.
            return Optional.empty();
        }
    }

    private static ContentInfo.ImageInfo size(FileType type, Metadata m) {
        int[] wh = switch (type) {
            case Png -> dims(m.getFirstDirectoryOfType(PngDirectory.class), PngDirectory.TAG_IMAGE_WIDTH,
                    PngDirectory.TAG_IMAGE_HEIGHT);
            case Jpeg -> dims(m.getFirstDirectoryOfType(JpegDirectory.class), JpegDirectory.TAG_IMAGE_WIDTH,
                    JpegDirectory.TAG_IMAGE_HEIGHT);
            case Gif -> dims(m.getFirstDirectoryOfType(GifHeaderDirectory.class), GifHeaderDirectory.TAG_IMAGE_WIDTH,
                    GifHeaderDirectory.TAG_IMAGE_HEIGHT);
            case WebP -> dims(m.getFirstDirectoryOfType(WebpDirectory.class), WebpDirectory.TAG_IMAGE_WIDTH,
                    WebpDirectory.TAG_IMAGE_HEIGHT);
            case Bmp -> dims(m.getFirstDirectoryOfType(BmpHeaderDirectory.class), BmpHeaderDirectory.TAG_IMAGE_WIDTH,
                    BmpHeaderDirectory.TAG_IMAGE_HEIGHT);
            case Tiff -> dims(m.getFirstDirectoryOfType(ExifIFD0Directory.class), ExifDirectoryBase.TAG_IMAGE_WIDTH,
                    ExifDirectoryBase.TAG_IMAGE_HEIGHT);
            case Heif, Avif -> largest(m);
            default -> null;
        };
        if (wh == null || wh[0] <= 0 || wh[1] <= 0) {
            return null;
        }
        if ((type == FileType.Jpeg || type == FileType.Tiff) && turnsSideways(m)) {
            return new ContentInfo.ImageInfo(wh[1], wh[0]);
        }
        return new ContentInfo.ImageInfo(wh[0], wh[1]);
    }

    /** An image may carry several sizes (thumbnails, grid tiles); the primary image is the largest. */
    private static int[] largest(Metadata m) {
        int[] best = null;
        for (HeifDirectory d : m.getDirectoriesOfType(HeifDirectory.class)) {
            int[] wh = dims(d, HeifDirectory.TAG_IMAGE_WIDTH, HeifDirectory.TAG_IMAGE_HEIGHT);
            if (wh != null && (best == null || (long) wh[0] * wh[1] > (long) best[0] * best[1])) {
                best = wh;
            }
        }
        return best;
    }

    /** EXIF orientations 5 to 8 rotate by 90° or 270°. */
    private static boolean turnsSideways(Metadata m) {
        ExifIFD0Directory exif = m.getFirstDirectoryOfType(ExifIFD0Directory.class);
        Integer orientation = exif == null ? null : exif.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
        return orientation != null && orientation >= 5 && orientation <= 8;
    }

    private static int[] dims(Directory d, int widthTag, int heightTag) {
        if (d == null) {
            return null;
        }
        Integer w = d.getInteger(widthTag);
        Integer h = d.getInteger(heightTag);
        return w == null || h == null ? null : new int[] {w, h};
    }
}
