package dev.uploadkit.bench;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * S3Proxy with its filesystem-nio2 backend, without authentication, on 127.0.0.1 and a free port: the S3
 * baseline {@link UploadSpeedBenchmark} runs in its own JVM. Prints {@code S3Proxy listening on port N}, then
 * serves until killed.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.S3ProxyMain DIR</pre>
 */
public final class S3ProxyMain {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private S3ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("Usage: S3ProxyMain DIR   (objects are kept as files under DIR)");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0])).toAbsolutePath();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT + "; state "
                        + proxy.getState());
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        System.out.println("S3Proxy listening on port " + proxy.getPort());
        System.out.flush();
    }
}
