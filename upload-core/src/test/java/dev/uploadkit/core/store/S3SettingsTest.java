package dev.uploadkit.core.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3SettingsTest {

    private static S3Settings.Builder valid() {
        return S3Settings.builder().bucket("my-bucket").accessKey("AKIA123").secretKey("s3cr3t-value");
    }

    @Test
    void defaultsAreAwsVirtualHostAndEightMebibyteParts() {
        S3Settings settings = valid().build();

        assertEquals(S3Settings.AWS_ENDPOINT, settings.endpoint());
        assertEquals("us-east-1", settings.region());
        assertFalse(settings.pathStyle());
        assertEquals(8L * 1024 * 1024, settings.partSizeBytes());
    }

    @Test
    void toStringHidesTheSecret() {
        String shown = valid().build().toString();

        assertFalse(shown.contains("s3cr3t-value"));
        assertTrue(shown.contains("my-bucket"));
    }

    @Test
    void toBuilderRoundTrips() {
        S3Settings settings = valid().endpoint("http://127.0.0.1:9000").pathStyle(true).region("auto").build();

        assertEquals(settings, settings.toBuilder().build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Upper-Case", "-leading", "trailing-", "under_score", "dots..twice",
            "a-name-that-is-far-too-long-for-any-s3-bucket-because-it-exceeds-63"})
    void invalidBucketNamesAreRefused(String bucket) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> valid().bucket(bucket).build());

        assertTrue(e.getMessage().startsWith("bucket:"));
    }

    @Test
    void partSizeBelowFiveMebibytesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().partSizeBytes(5L * 1024 * 1024 - 1).build());

        assertTrue(e.getMessage().startsWith("partSizeBytes:"));
        assertEquals(5L * 1024 * 1024, valid().partSizeBytes(5L * 1024 * 1024).build().partSizeBytes());
    }

    @Test
    void partSizeAboveOneGibibyteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> valid().partSizeBytes(1024L * 1024 * 1024 + 1).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 17})
    void partBuffersOutOfRangeAreRefused(int buffers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().partBuffers(buffers).build());

        assertTrue(e.getMessage().startsWith("partBuffers:"));
    }

    @Test
    void payloadsAreSignedByDefaultOnlyOverHttpToAnotherHost() {
        assertFalse(valid().build().signPayload());
        assertFalse(valid().endpoint("HTTPS://s3.eu-west-1.amazonaws.com").build().signPayload());
        assertTrue(valid().endpoint("http://minio.internal:9000").pathStyle(true).build().signPayload());
        assertTrue(valid().endpoint("http://10.0.0.5:9000").pathStyle(true).build().signPayload());
        assertTrue(valid().endpoint("http://127.0.0.1.nip.io:9000").pathStyle(true).build().signPayload());
        for (String loopback : List.of("http://127.0.0.1:9000", "http://127.1.2.3:9000", "http://localhost:9000",
                "http://[::1]:9000")) {
            assertFalse(valid().endpoint(loopback).pathStyle(true).build().signPayload(), loopback);
        }
        assertTrue(valid().signPayload(true).build().signPayload());
        assertTrue(valid().endpoint("http://127.0.0.1:9000").pathStyle(true).signPayload(true).build()
                .signPayload());
        assertFalse(valid().endpoint("http://minio.internal:9000").pathStyle(true).signPayload(false).build()
                .signPayload());
    }

    @Test
    void partBuffersDefaultToFourAndAcceptOneToSixteen() {
        assertEquals(4, valid().build().partBuffers());
        assertEquals(1, valid().partBuffers(1).build().partBuffers());
        assertEquals(16, valid().partBuffers(16).build().partBuffers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com", "not a url", "http://user:pw@example.com", "https://x.example/?q=1",
            "s3.amazonaws.com"})
    void invalidEndpointsAreRefused(String endpoint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().endpoint(endpoint).pathStyle(true).build());

        assertTrue(e.getMessage().startsWith("endpoint:"));
    }

    @Test
    void aShortenedAddressIsNamedAsSuch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().endpoint("http://127.1:9000").pathStyle(true).build());
        assertTrue(e.getMessage().contains("four parts"), e.getMessage());
    }

    @Test
    void ipEndpointNeedsPathStyle() {
        S3Settings.Builder builder = valid().endpoint(URI.create("http://127.0.0.1:9000"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertTrue(e.getMessage().startsWith("pathStyle:"));
        assertTrue(builder.pathStyle(true).build().pathStyle());
    }

    @Test
    void credentialsAndRegionAreRequired() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().accessKey(" ").build())
                .getMessage().startsWith("accessKey:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().secretKey(null).build())
                .getMessage().startsWith("secretKey:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().region("eu west").build())
                .getMessage().startsWith("region:"));
    }
}
