package dev.uploadkit.bench;

import dev.uploadkit.core.DataSize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 7 of {@link UploadSpeedBenchmark}, the issue table's S3 row: a large file (512 MiB by default) uploaded with
 * {@code curl -F} to the standalone jar ({@code -Xmx128m}, its own JVM, configured only by {@code UPLOADKIT_S3_*}
 * to store into S3Proxy), beside {@code curl -T} of the same bytes straight to S3Proxy (filesystem backend, no auth,
 * its own JVM). Each round sends the raw PUT, then the form with the folder before the file, then with the folder
 * after it (the seed's order, which costs a server-side copy to the final key); round 1 is the server's first
 * upload, as a new user meets it. Prints MiB/s, each ratio, the server's heap peak and its CPU seconds, and checks
 * the SHA-256 the server answers.
 */
final class S3Row {
    private static final String RAW_BUCKET = "raw";
    private static final Pattern STARTED = Pattern.compile("Started: ");
    private static final Pattern OBJECT_KEY = Pattern.compile("\"object_key\":\"([^\"]*)\"");

    private final Path jar;
    private final Path work;
    private final List<String> serverJvmOptions;
    private final BiFunction<String, String, Path> log;

    /** {@code log} registers a server's name and log file name and returns the log's path. */
    S3Row(Path jar, Path work, List<String> serverJvmOptions, BiFunction<String, String, Path> log) {
        this.jar = jar;
        this.work = work;
        this.serverJvmOptions = serverJvmOptions;
        this.log = log;
    }

    void run(long mib, int rounds) throws Exception {
        System.out.printf("%n== 7. S3 store: %d MiB, curl -F to the standalone jar (-Xmx128m, UPLOADKIT_S3_* to "
                + "S3Proxy) vs curl -T straight to S3Proxy, %d rounds on one server%n", mib, rounds);
        Path file = work.resolve("s3.bin");
        try (OutputStream out = Files.newOutputStream(file);
             InputStream in = new IngestBenchmark.GeneratedStream(mib * 1024 * 1024)) {
            in.transferTo(out);
        }
        try (SpawnedJvm s3 = SpawnedJvm.startMain("S3Proxy (S3 row)", List.of("-Xmx1g"), S3ProxyMain.class,
                List.of(work.resolve("s3proxy-row7").toString()), log.apply("S3Proxy (S3 row)", "s3proxy-row7.log"))) {
            int s3Port = Integer.parseInt(s3.await(UploadSpeedBenchmark.S3_LISTENING).group(1));
            UploadSpeedBenchmark.createBucket(s3Port, RAW_BUCKET);
            String endpoint = "http://127.0.0.1:" + s3Port;
            Map<String, String> env = Map.of("UPLOADKIT_S3_ENDPOINT", endpoint, "UPLOADKIT_S3_BUCKET", "uploadkit",
                    "UPLOADKIT_S3_ACCESS_KEY", "bench", "UPLOADKIT_S3_SECRET_KEY", "bench-secret-not-checked",
                    "UPLOADKIT_S3_REGION", "us-east-1");
            try (UploadkitProcess uploadkit = UploadkitProcess.start("uploadkit (S3 row)", jar, serverJvmOptions,
                    work.resolve("s3-uploadkit"), List.of(), env, Optional.empty(),
                    log.apply("uploadkit (S3 row)", "s3-uploadkit.log"));
                 RemoteHeap heap = RemoteHeap.attach(uploadkit.jvm().pid())) {
                uploadkit.jvm().await(STARTED); // the store opens after the port does
                long pid = uploadkit.jvm().pid();
                double[] raws = new double[2];
                double[] forms = new double[2];
                long peak = 0;
                for (int round = 1; round <= rounds; round++) {
                    // Each form is paired with a PUT just before it: the disk's write-back of one transfer slows
                    // the next, so each side of a pair follows the same kind of transfer.
                    for (boolean folderFirst : new boolean[] {true, false}) {
                        // New bytes for every upload: the same bytes again would be a dedup hit, stored once.
                        String hex = distinct(file, round * 2L + (folderFirst ? 0 : 1));
                        Curl.Result raw = Curl.run("-T", file.toString(), endpoint + "/" + RAW_BUCKET + "/up.bin");
                        Curl.run("-X", "DELETE", endpoint + "/" + RAW_BUCKET + "/up.bin");
                        List<String> args = new ArrayList<>(List.of("-H", "X-API-Key: " + uploadkit.adminKey()));
                        String folder = "folder=s3-" + round + (folderFirst ? "-first" : "-after");
                        args.addAll(folderFirst ? List.of("-F", folder, "-F", "file=@" + file)
                                : List.of("-F", "file=@" + file, "-F", folder));
                        args.add(uploadkit.baseUrl() + "/files/upload");
                        double cpuBefore = UploadSpeedBenchmark.cpuSeconds(pid);
                        heap.reset();
                        Curl.Result r = Curl.run(args.toArray(String[]::new));
                        long roundPeak = heap.peak();
                        peak = Math.max(peak, roundPeak);
                        int side = folderFirst ? 0 : 1;
                        raws[side] += raw.mibPerSecond();
                        forms[side] += r.mibPerSecond();
                        Matcher key = OBJECT_KEY.matcher(r.body());
                        System.out.printf("round %d  folder %-5s  curl -T %7.1f MiB/s, curl -F %7.1f MiB/s = %.2fx   "
                                        + "server CPU %.2f s, peak heap %s, object_key %s%s%n", round,
                                folderFirst ? "first" : "after", raw.mibPerSecond(), r.mibPerSecond(),
                                r.mibPerSecond() / raw.mibPerSecond(),
                                UploadSpeedBenchmark.cpuSeconds(pid) - cpuBefore,
                                DataSize.ofBytes(roundPeak).format(), key.find() ? key.group(1) : "?",
                                r.body().contains("sha256:" + hex) ? "" : "   SHA-256 MISMATCH: " + r.body());
                    }
                }
                System.out.printf("ratio uploadkit/curl -T over %d rounds: folder first %.2f, folder after %.2f "
                        + "(round 1 is the server's first upload); peak heap %s (-Xmx128m)%n", rounds,
                        forms[0] / raws[0], forms[1] / raws[1], DataSize.ofBytes(peak).format());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Writes {@code n} over the file's first 8 bytes and returns the file's SHA-256, in hex. */
    private static String distinct(Path file, long n) throws IOException, NoSuchAlgorithmException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(Long.BYTES).putLong(0, n), 0);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
