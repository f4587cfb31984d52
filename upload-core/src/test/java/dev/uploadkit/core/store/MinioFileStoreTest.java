package dev.uploadkit.core.store;

import dev.uploadkit.core.internal.store.BlobStoreContexts;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterEach;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The contract against a real MinIO server in Docker; skipped where Docker is not available. */
@Testcontainers(disabledWithoutDocker = true)
class MinioFileStoreTest extends AbstractFileStoreContractTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2023-09-04T19-57-37Z");

    private S3Settings settings;
    private BlobStoreContext inspector;

    @Override
    protected FileStore createStore(String id) {
        settings = S3Settings.builder()
                .endpoint(MINIO.getS3URL())
                .region("us-east-1")
                .bucket("contract-" + BUCKETS.incrementAndGet())
                .accessKey(MINIO.getUserName())
                .secretKey(MINIO.getPassword())
                .pathStyle(true)
                .partSizeBytes(S3Settings.MIN_PART_SIZE_BYTES)
                .build();
        inspector = BlobStoreContexts.s3(settings);
        return JcloudsFileStore.s3(id, settings);
    }

    @AfterEach
    void closeInspector() {
        if (inspector != null) {
            inspector.close();
        }
    }

    @Override
    protected void assertStoreHoldsExactly(Set<String> keys) {
        BlobStore blobStore = inspector.getBlobStore();
        assertEquals(0, blobStore.listMultipartUploads(settings.bucket()).size(), "pending multipart uploads");
        Set<String> names = new TreeSet<>();
        for (StorageMetadata object : blobStore.list(settings.bucket(), ListContainerOptions.Builder.recursive())) {
            names.add(object.getName());
        }
        assertEquals(new TreeSet<>(keys), names);
    }
}
