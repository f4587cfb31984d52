package dev.uploadkit.core.testing;

import dev.uploadkit.core.store.S3Settings;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * An S3-compatible server (S3Proxy) running in this JVM on {@code 127.0.0.1} and a free port, for tests.
 *
 * <pre>{@code
 * try (S3ProxyServer server = S3ProxyServer.start();
 *      FileStore store = JcloudsFileStore.s3("s3", server.settings("my-bucket"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>It accepts AWS V2 and V4 signatures for {@link #accessKey()} / {@link #secretKey()} and path-style
 * addressing only. {@link #close()} stops it.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** The region {@link #settings(String)} uses; S3Proxy accepts any. */
    public static final String REGION = "us-east-1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStore backend;
    private final String accessKey;
    private final String secretKey;

    private S3ProxyServer(S3Proxy proxy, BlobStore backend, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.backend = backend;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a server keeping objects in memory. */
    public static S3ProxyServer start() {
        return start(new TransientNio2BlobStore());
    }

    /** Starts a server keeping objects as files under {@code dir}, which must exist. */
    public static S3ProxyServer start(Path dir) {
        return start(dir, UnaryOperator.identity());
    }

    /**
     * Starts a server keeping objects as files under {@code dir}, which must exist, through the backend that
     * {@code wrap} makes of the filesystem one: a {@link org.gaul.s3proxy.blobstore.ForwardingBlobStore} that
     * injects faults, for example. {@link #pendingMultipartUploads} and {@link #keys} read the wrapped backend.
     */
    public static S3ProxyServer start(Path dir, UnaryOperator<BlobStore> wrap) {
        return start(wrap.apply(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString())));
    }

    private static S3ProxyServer start(BlobStore backend) {
        String accessKey = "uploadkit-test";
        String secretKey = UUID.randomUUID().toString();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(backend)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT
                            + "; state " + proxy.getState());
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        } catch (Exception e) {
            stopQuietly(proxy, e);
            throw e instanceof RuntimeException r ? r : new IllegalStateException("S3Proxy did not start", e);
        }
        return new S3ProxyServer(proxy, backend, accessKey, secretKey);
    }

    /** Returns {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Returns settings for {@code bucket} on this server: path-style, {@value #REGION}, 5 MiB parts. */
    public S3Settings settings(String bucket) {
        return S3Settings.builder()
                .endpoint(endpoint())
                .region(REGION)
                .bucket(Objects.requireNonNull(bucket, "bucket"))
                .accessKey(accessKey)
                .secretKey(secretKey)
                .pathStyle(true)
                .partSizeBytes(S3Settings.MIN_PART_SIZE_BYTES)
                .build();
    }

    /** Returns the number of multipart uploads begun in {@code bucket} and neither completed nor aborted. */
    public int pendingMultipartUploads(String bucket) {
        return backend.listMultipartUploads(bucket).size();
    }

    /** Returns the keys of the objects in {@code bucket}, sorted. */
    public List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Response page = backend.list(ListObjectsV2Request.builder()
                    .bucket(bucket).continuationToken(token).build());
            page.contents().forEach(object -> keys.add(object.key()));
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        keys.sort(null);
        return keys;
    }

    /** Returns the ETag of the object under {@code key}; a multipart object's ends in {@code -<parts>"}. */
    public Optional<String> eTag(String bucket, String key) {
        HeadObjectResponse head = backend.blobMetadataIfPresent(bucket, key);
        return Optional.ofNullable(head).map(HeadObjectResponse::eTag);
    }

    /** Stops the server. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    private static void stopQuietly(S3Proxy proxy, Exception failure) {
        try {
            proxy.stop();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
