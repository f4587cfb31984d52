package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Part (d) of {@link S3Benchmark}: the S3 row as a black-box user meets it. Each run starts the standalone jar as
 * {@code java -Xmx128m -jar} in a JVM of its own, configured only through the {@code UPLOADKIT_S3_*} settings, waits
 * for its {@code Started:} line, and sends it one {@code curl -F} of the file, its first upload, right after a
 * {@code curl -T} of the same file straight to S3Proxy. It does this with the folder before the file and with the
 * folder after it (the seed's order, which costs a server-side copy to the final key), and prints each ratio with the
 * CPU seconds of the server, S3Proxy and curl. {@code -Dbench.cold-jvm-options="…"} adds options to the server's
 * command line (a profiler's, say), split at whitespace.
 */
final class S3ColdStarts {
    private static final Pattern STARTED = Pattern.compile("Started: ");

    private final Path jar;
    private final Path file;
    private final String endpoint;
    private final long s3proxyPid;
    private final Map<String, String> env;
    private final Path dir;

    S3ColdStarts(Path jar, Path file, String endpoint, long s3proxyPid, Map<String, String> env, Path dir) {
        this.jar = jar;
        this.file = file;
        this.endpoint = endpoint;
        this.s3proxyPid = s3proxyPid;
        this.env = env;
        this.dir = dir;
    }

    /** Runs {@code starts} cold starts for each field order. */
    void run(int starts) throws IOException, InterruptedException {
        System.out.printf("(d) first upload into a fresh `java -Xmx128m -jar %s` (own JVM, UPLOADKIT_S3_* only)%n",
                jar.getFileName());
        for (int i = 1; i <= starts; i++) {
            once(i, true);
            once(i, false);
        }
    }

    private void once(int start, boolean folderFirst) throws IOException, InterruptedException {
        Path data = dir.resolve("cold-" + start + (folderFirst ? "-ff" : "-fa"));
        double raw = ServerBenchmark.curl("-T", file.toString(), endpoint + "/raw/upload.bin");
        ServerBenchmark.curl("-X", "DELETE", endpoint + "/raw/upload.bin");
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx128m"));
        String extra = System.getProperty("bench.cold-jvm-options", "").strip();
        if (!extra.isEmpty()) {
            jvmOptions.addAll(List.of(extra.split("\\s+")));
        }
        try (UploadkitProcess server = UploadkitProcess.start("cold", jar, jvmOptions, data, List.of(), env,
                Optional.empty(), data.resolveSibling(data.getFileName() + ".log"))) {
            server.jvm().await(STARTED);
            long pid = server.jvm().pid();
            double serverBefore = UploadSpeedBenchmark.cpuSeconds(pid);
            double s3Before = UploadSpeedBenchmark.cpuSeconds(s3proxyPid);
            double curlBefore = S3Benchmark.childCpuSeconds();
            List<String> args = new ArrayList<>(List.of("-H", "X-API-Key: " + server.adminKey()));
            String folder = "folder=cold-" + start;
            args.addAll(folderFirst ? List.of("-F", folder, "-F", "file=@" + file)
                    : List.of("-F", "file=@" + file, "-F", folder));
            args.add(server.baseUrl() + "/files/upload");
            double speed = ServerBenchmark.curl(args.toArray(String[]::new));
            double serverCpu = UploadSpeedBenchmark.cpuSeconds(pid) - serverBefore;
            double s3Cpu = UploadSpeedBenchmark.cpuSeconds(s3proxyPid) - s3Before;
            System.out.printf("  start %d, folder %-6s  curl -T %6.1f MiB/s, Uploadkit %6.1f MiB/s = %.2fx"
                            + "   CPU s (server / S3Proxy / curl) %.2f / %.2f / %.2f%n",
                    start, folderFirst ? "first" : "after", raw, speed, speed / raw, serverCpu, s3Cpu,
                    S3Benchmark.childCpuSeconds() - curlBefore);
        } finally {
            UploadSpeedBenchmark.deleteTree(data);
        }
    }

    /** The jar to start: {@code -Dbench.standalone-jar}, else the one the build makes (as {@link BenchOptions}). */
    static Path jar() {
        return BenchOptions.parse(new String[0]).standaloneJar();
    }
}
