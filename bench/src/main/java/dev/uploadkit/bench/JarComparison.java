package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Row 6 of {@link UploadSpeedBenchmark}: two builds of the standalone jar side by side under the small-upload load,
 * to tell a change from this machine's noise. Both servers run at once (H2 + local folder, {@code -Xmx256m}); each
 * pair loads one, then the other, the order alternating from pair to pair (a server still warming up favours
 * whichever side runs second). Reported per pair and as geometric means over the pairs: uploads/s and the server's
 * CPU per upload, which is steadier than throughput on a machine shared with other work; per pair also the KiB the
 * server wrote per upload.
 */
final class JarComparison {
    private final Path baseline;
    private final Path candidate;
    private final List<String> jvmOptions;
    private final Path work;
    /** A folder field each form sends after its file (the seed's curl), or null for the file alone. */
    private final String folderAfter;

    JarComparison(Path baseline, Path candidate, List<String> jvmOptions, Path work, String folderAfter) {
        this.folderAfter = folderAfter;
        this.baseline = baseline;
        this.candidate = candidate;
        this.jvmOptions = jvmOptions;
        this.work = work;
    }

    void run(int size, int clients, Duration warmup, Duration duration, int pairs) throws Exception {
        System.out.printf("%n== 6. Two jars, %d KiB uploads, %d clients, %d s warm-up + %d s measured, %d alternating "
                        + "pairs%s%n   baseline  %s%n   candidate %s%n", size / 1024, clients, warmup.toSeconds(),
                duration.toSeconds(), pairs, folderAfter == null ? "" : ", folder \"" + folderAfter + "\" after the file",
                baseline, candidate);
        try (UploadkitProcess old = start("baseline", baseline);
             UploadkitProcess now = start("candidate", candidate)) {
            RequestTemplate oldRequest = request(old, size, folderAfter);
            RequestTemplate newRequest = request(now, size, folderAfter);
            double logThroughput = 0;
            double logCpu = 0;
            Duration runTime = warmup.plus(duration);
            for (int pair = 1; pair <= pairs; pair++) {
                boolean candidateFirst = pair % 2 == 0;
                Side first = measure(candidateFirst ? now : old, candidateFirst ? newRequest : oldRequest, clients,
                        warmup, duration, runTime);
                Side second = measure(candidateFirst ? old : now, candidateFirst ? oldRequest : newRequest, clients,
                        warmup, duration, runTime);
                Side before = candidateFirst ? second : first;
                Side after = candidateFirst ? first : second;
                double throughput = after.result().perSecond() / before.result().perSecond();
                double cpu = after.cpuMs() / before.cpuMs();
                logThroughput += Math.log(throughput);
                logCpu += Math.log(cpu);
                System.out.printf("pair %d (%s first)%n  baseline   %s  server CPU %.2f ms, wrote %.1f KiB /upload%n"
                                + "  candidate  %s  server CPU %.2f ms, wrote %.1f KiB /upload%n"
                                + "  ratio candidate/baseline: uploads/s %.3f, CPU per upload %.3f%n", pair,
                        candidateFirst ? "candidate" : "baseline", before.result().describe(), before.cpuMs(),
                        before.writtenKib(), after.result().describe(), after.cpuMs(), after.writtenKib(), throughput,
                        cpu);
            }
            System.out.printf("geometric mean over %d pairs, candidate/baseline: uploads/s %.3f, server CPU per upload "
                    + "%.3f%n", pairs, Math.exp(logThroughput / pairs), Math.exp(logCpu / pairs));
        }
    }

    /** A run's figures; {@code writtenKib}: KiB the server wrote per upload (write calls: files, database, sockets). */
    private record Side(LoadGenerator.Result result, double cpuMs, double writtenKib) {
    }

    private static Side measure(UploadkitProcess server, RequestTemplate request, int clients, Duration warmup,
                                Duration duration, Duration runTime) throws Exception {
        long pid = server.jvm().pid();
        Duration before = UploadSpeedBenchmark.cpu(pid);
        long writtenBefore = written(pid);
        LoadGenerator.Result result = LoadGenerator.run(server.port(), request, clients, warmup, duration);
        Duration used = UploadSpeedBenchmark.cpu(pid).minus(before);
        double uploads = result.perSecond() * runTime.toSeconds();
        return new Side(result, UploadSpeedBenchmark.cpuPerUpload(used, result, runTime),
                (written(pid) - writtenBefore) / 1024.0 / uploads);
    }

    /** The bytes process {@code pid} has passed to write calls so far ({@code wchar} of /proc; Linux only, else 0). */
    private static long written(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring("wchar:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private UploadkitProcess start(String name, Path jar) throws Exception {
        return UploadkitProcess.start(name, jar, jvmOptions, work.resolve("compare-" + name), List.of(),
                Optional.empty(), work.resolve("compare-" + name + ".log"));
    }

    private static RequestTemplate request(UploadkitProcess server, int size, String folderAfter) {
        return RequestTemplate.multipart(server.port(), server.mount() + "/files/upload", server.adminKey(), size,
                folderAfter);
    }
}
