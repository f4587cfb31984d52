package dev.uploadkit.bench;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs S3Proxy without authentication on 127.0.0.1 and a free port, keeping objects as files under the folder
 * given as the only argument; prints {@code S3Proxy listening on port <n>} once it serves, and stops when its
 * standard input closes.
 *
 * <p>{@link S3Benchmark} and {@link UploadSpeedBenchmark} start it in a JVM of its own, so that the S3 server does
 * not share the heap, the garbage collector or the JIT with the client being measured. It references no other
 * bench class: S3Benchmark copies this class file alone next to S3Proxy's classpath.
 */
public final class S3ProxyMain {
    /** What it prints, followed by the port, once it serves. */
    static final String LISTENING = "S3Proxy listening on port ";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private S3ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: S3ProxyMain <folder to keep buckets in>");
        }
        Path dir = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        System.out.println(LISTENING + proxy.getPort());
        System.out.flush();
        try {
            // The parent holds the other end of stdin; its exit, even a crash, ends this JVM too.
            while (System.in.read() >= 0) {
                // nothing to read but the end
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, as does the end of input
        }
        proxy.stop();
    }
}
