package dev.uploadkit.core.internal;

import dev.uploadkit.core.internal.store.ObjectKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlobKeysTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "uploads|photo.jpg|uploads/photo.jpg",
            "|photo.jpg|photo.jpg",
            "a/b|café déjà vu.txt|a/b/café déjà vu.txt",
            "x|a;b=c:d~e.txt|x/a_b_c_d_e.txt",
            "x|report_$folder$|x/report__folder_",
            "x|...|x/___",
            "日本|写真 (1).png|日本/写真 (1).png",
            "x|.uploadkit-0123abcd.part|x/_uploadkit-0123abcd.part",
            "|.uploadkit-x.part|_uploadkit-x.part",
            "x|.uploadkit|x/.uploadkit",
            ".uploadkit-staging|s.bin|_uploadkit-staging/s.bin",
            "a/.uploadkit-staging/b|s.bin|a/_uploadkit-staging/b/s.bin",
            ".hidden|s.bin|.hidden/s.bin",
    })
    void keepsKeysReadableAndPortable(String folder, String filename, String expected) {
        String key = BlobKeys.preferred(folder == null ? "" : folder, filename);
        assertEquals(expected, key);
        ObjectKeys.check(key);
    }

    @Test
    void stagingKeysNameTheirUploadBesideItsKey() {
        java.util.UUID project = java.util.UUID.randomUUID();
        java.util.UUID upload = java.util.UUID.randomUUID();
        String staging = BlobKeys.staging("a/b/photo.png", project, upload);
        assertTrue(staging.startsWith("a/b/.uploadkit-") && staging.endsWith(".part"), staging);
        ObjectKeys.check(staging);
        assertEquals(java.util.Optional.of(new BlobKeys.Staging(project, upload)), BlobKeys.staged(staging));
        assertEquals(java.util.Optional.of(new BlobKeys.Staging(project, upload)),
                BlobKeys.staged(BlobKeys.staging("photo.png", project, upload)));
        assertEquals(java.util.Optional.empty(), BlobKeys.staged("a/.uploadkit-0123abcd.part"));
        assertEquals(java.util.Optional.empty(), BlobKeys.staged("a/photo.png"));
    }

    @Test
    void everySegmentFitsAFilesystemNameWithRoomForTheUniquenessSuffix() {
        String key = BlobKeys.preferred("日".repeat(200) + "/ok", "é".repeat(200) + ".txt");
        String[] segments = key.split("/");
        assertEquals(3, segments.length);
        assertTrue(utf8(segments[0]) <= 255, "folder segment of " + utf8(segments[0]) + " bytes");
        assertEquals("ok", segments[1]);
        assertTrue(utf8(segments[2]) + 9 <= 255, "file name of " + utf8(segments[2]) + " bytes");
        assertTrue(segments[2].endsWith(".txt"));
        assertTrue(utf8(BlobKeys.preferred("", "a".repeat(255))) + 9 <= 255, "a name without an extension too");
        assertEquals("a".repeat(246), BlobKeys.preferred("", "a".repeat(255)));
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void staysWellUnderTheS3LimitForTheLongestValidNames() {
        String segment = "é".repeat(120);
        String folder = segment + "/" + segment;
        String filename = "ü".repeat(250) + ".tar.gz";
        String key = BlobKeys.preferred(folder, filename);
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= BlobKeys.MAX_FOLDER_BYTES + BlobKeys.MAX_NAME_BYTES, "was " + bytes);
        assertTrue(key.endsWith(".gz"));
        ObjectKeys.check(key);
    }
}
