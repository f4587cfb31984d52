package dev.uploadkit.bench;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

/**
 * Streams one large upload of unknown length through {@link UploadService} into the filesystem store (H2 file
 * catalog) and prints throughput and peak heap. Run under a small heap to show memory stays flat:
 *
 * <pre>java -Xmx64m -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.IngestBenchmark [MiB] [dir]</pre>
 */
public final class IngestBenchmark {
    private IngestBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("uploadkit-bench");
        long bytes = mib * 1024 * 1024;
        try (UploadkitDatabase db = UploadkitDatabase.connect("jdbc:h2:file:" + dir.resolve("db/uploadkit").toAbsolutePath(), "sa", "");
             JcloudsFileStore store = JcloudsFileStore.filesystem("local", dir.resolve("store"))) {
            UploadService service = UploadService.builder().catalog(db.catalog()).store(store)
                    .maxFileSize(DataSize.ofGibibytes(64)).build();
            UUID project = AccessService.create(db.projects()).createProject("bench", "pro").id();

            HeapMeter.reset();
            long start = System.nanoTime();
            Upload upload = service.upload(UploadRequest.of(project, "big.bin"), new GeneratedStream(bytes));
            double seconds = (System.nanoTime() - start) / 1e9;

            System.out.printf("uploaded      %s (%d bytes) sha256:%s%n", DataSize.ofBytes(upload.sizeBytes()).format(),
                    upload.sizeBytes(), upload.sha256());
            System.out.printf("time          %.2f s%n", seconds);
            System.out.printf("throughput    %.1f MB/s (MiB/s)%n", bytes / 1048576.0 / seconds);
            System.out.printf("max heap      %s (-Xmx)%n", DataSize.ofBytes(Runtime.getRuntime().maxMemory()).format());
            System.out.printf("peak heap     %s (sum of heap pool peaks during the upload)%n",
                    DataSize.ofBytes(HeapMeter.peak()).format());
            System.out.printf("live heap     %s (after GC)%n", DataSize.ofBytes(HeapMeter.live()).format());
        } finally {
            if (args.length <= 1) {
                UploadSpeedBenchmark.deleteTree(dir);
            }
        }
    }




    /** Bytes of unknown length: a random 1 MiB block repeated, each copy with its own counter. */
    static final class GeneratedStream extends InputStream {
        private final byte[] block = new byte[1 << 20];
        private final long size;
        private long position;

        GeneratedStream(long size) {
            this.size = size;
            new Random(42).nextBytes(block);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int inBlock = (int) (position % block.length);
            if (inBlock == 0) {
                long copy = position / block.length;
                for (int i = 0; i < 8; i++) {
                    block[i] = (byte) (copy >>> (8 * i));
                }
            }
            int n = (int) Math.min(Math.min(len, block.length - inBlock), size - position);
            System.arraycopy(block, inBlock, b, off, n);
            position += n;
            return n;
        }
    }
}
