package dev.uploadkit.core.testing;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Project;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/** Test data for the catalog: projects, uploads and hashes with microsecond timestamps. */
public final class TestUploads {
    /** A fixed instant with microseconds, the finest precision every catalog keeps. */
    public static final Instant T0 = Instant.parse("2025-01-15T10:30:00.123456Z");

    private TestUploads() {
    }

    /** Returns a new project on the free plan, created at {@link #T0}. */
    public static Project project(String name) {
        return new Project(UUID.randomUUID(), name, "free", T0);
    }

    /**
     * Returns a builder for a completed, live, stored upload of {@code projectId} with a random uuid, in the root
     * folder of storage {@code default}, referencing no blob, created and updated at {@link #T0}.
     */
    public static Upload.Builder upload(UUID projectId) {
        return new Upload.Builder()
                .uuid(UUID.randomUUID())
                .projectId(projectId)
                .filename("file.bin")
                .folder("")
                .sizeBytes(0)
                .mimeType("application/octet-stream")
                .status(UploadStatus.COMPLETED)
                .contentDisposition(ContentDisposition.ATTACHMENT)
                .storageId("default")
                .isStored(true)
                .metadata(Metadata.EMPTY)
                .createdAt(T0)
                .updatedAt(T0);
    }

    /** Returns {@link #T0} plus {@code micros} microseconds. */
    public static Instant t(long micros) {
        return T0.plus(micros, ChronoUnit.MICROS);
    }

    /** Returns a distinct, well-formed lower-case SHA-256 hex string for {@code n}. */
    public static String sha(int n) {
        return HexFormat.of().toHexDigits(n) + "0".repeat(56);
    }
}
