package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.core.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ContentSnifferTest {
    private final ContentSniffer sniffer = new ContentSniffer();

    private ContentInfo sniff(byte[] bytes) {
        byte[] head = Arrays.copyOf(bytes, ContentSniffer.HEAD_SIZE);
        return sniffer.sniff(head, Math.min(bytes.length, head.length), null);
    }

    private void assertImage(ContentInfo info, String mime, String format, int width, int height) {
        assertEquals(mime, info.mime());
        assertEquals(new ContentInfo.ImageInfo(width, height), info.image(), info.toString());
        assertEquals(Optional.of(format), info.imageFormat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp", "tiff"})
    void readsTheSizeFromTheHeader(String format) {
        ContentInfo info = sniff(TestImages.written(format, 37, 21));
        assertEquals(new ContentInfo.ImageInfo(37, 21), info.image(), format + ": " + info);
        assertEquals(Optional.of(format), info.imageFormat());
    }

    @Test
    void exifOrientationSwapsWidthAndHeight() {
        assertImage(sniff(TestImages.jpegWithOrientation(40, 10, 6)), "image/jpeg", "jpeg", 10, 40);
        assertImage(sniff(TestImages.jpegWithOrientation(40, 10, 3)), "image/jpeg", "jpeg", 40, 10);
    }

    @Test
    void readsWebpHeifAndAvifHeaders() {
        assertImage(sniff(TestImages.webp(640, 480)), "image/webp", "webp", 640, 480);
        ContentInfo heic = sniff(TestImages.heif("heic", 4032, 3024));
        assertEquals(new ContentInfo.ImageInfo(4032, 3024), heic.image(), heic.toString());
        ContentInfo avif = sniff(TestImages.heif("avif", 1920, 1080));
        assertEquals(new ContentInfo.ImageInfo(1920, 1080), avif.image(), avif.toString());
        assertEquals("image/avif", avif.mime());
    }

    @Test
    void aDamagedOrCutOffImageHasNoSize() {
        byte[] png = TestImages.written("png", 20, 20);
        assertNull(sniff(Arrays.copyOf(png, 20)).image());
        byte[] jpeg = TestImages.written("jpeg", 20, 20);
        assertNull(sniff(Arrays.copyOf(jpeg, 30)).image());
        byte[] garbage = TestContent.random(1, 5000);
        garbage[0] = (byte) 0x89;
        garbage[1] = 'P';
        garbage[2] = 'N';
        garbage[3] = 'G';
        assertNull(sniff(garbage).image());
        assertNull(sniff("just text".getBytes()).image());
    }
}
