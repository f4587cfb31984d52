package dev.uploadkit.jdbc.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ObjectKeysTest {
    private static final RandomGenerator FIXED = () -> 0x1a2b3c4d_00000000L;

    @ParameterizedTest
    @CsvSource({
            "uploads/photo.jpg, uploads/photo-1a2b3c4d.jpg",
            "photo.jpg, photo-1a2b3c4d.jpg",
            "dir/archive.tar.gz, dir/archive.tar-1a2b3c4d.gz",
            "a.b/c, a.b/c-1a2b3c4d",
            "noext, noext-1a2b3c4d",
            ".env, .env-1a2b3c4d",
            "dir/.env, dir/.env-1a2b3c4d",
            "dir/name., dir/name-1a2b3c4d."})
    void theSuffixGoesBeforeTheExtensionOfTheLastSegment(String key, String expected) {
        assertEquals(expected, ObjectKeys.variant(key, FIXED));
    }

    @ParameterizedTest
    @CsvSource({
            "report/p2.txt, report/p2.txt, 0, report-1a2b3c4d/p2.txt",
            "a/v1.2/c.txt, a/v1.2/c.txt, 1, a/v1-1a2b3c4d.2/c.txt",
            "a/b/c.txt, a-00000000/b/c.txt, 2, a-00000000/b/c-1a2b3c4d.txt",
            "a/b/c.txt, a/b-00000000/c.txt, 1, a/b-1a2b3c4d/c.txt",
            "docs, docs-00000000, 0, docs-1a2b3c4d"})
    void aSegmentIsVariedFromThePreferredKeyKeepingTheOthers(String preferred, String key, int segment,
                                                            String expected) {
        assertEquals(expected, ObjectKeys.variant(preferred, key, segment, FIXED));
    }
}
