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
}
