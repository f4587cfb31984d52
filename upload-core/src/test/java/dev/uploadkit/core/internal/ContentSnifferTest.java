package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.core.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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

    @Test
    void prepareMakesTheDetectorBeforeAnyDetection() throws Exception {
        // A class loader of its own, so that detections of other tests in this JVM do not count.
        URL[] classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        try (URLClassLoader fresh = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
            Class<?> isolated = fresh.loadClass(ContentSniffer.class.getName());
            assertNotSame(ContentSniffer.class, isolated);
            Method prepared = isolated.getMethod("prepared");
            assertEquals(false, prepared.invoke(null), "not made by loading the class");
            isolated.getMethod("prepare").invoke(null);
            assertEquals(true, prepared.invoke(null), "made by prepare()");
        }
        ContentSniffer.prepare();
        assertEquals("image/png", sniff(TestImages.written("png", 3, 2)).mime(), "detection works after prepare()");
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
