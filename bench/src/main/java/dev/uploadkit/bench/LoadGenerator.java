package dev.uploadkit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Closed-loop load: each client thread owns one keep-alive connection and sends its next request as soon as
 * the previous answer arrived. Only requests that start after the warm-up and end before the deadline count.
 */
final class LoadGenerator {
    private LoadGenerator() {
    }

    /**
     * What one run measured.
     *
     * @param completed 2xx answers within the measured window
     * @param failed non-2xx answers and I/O errors within the measured window
     * @param failures the first failure of each kind (status code, or -1 for I/O), for the report
     */
    record Result(int clients, long completed, long failed, double seconds, long p50Nanos, long p99Nanos,
                  TreeMap<Integer, String> failures) {
        double perSecond() {
            return completed / seconds;
        }

        String describe() {
            return String.format("%8.1f uploads/s  p50 %6.2f ms  p99 %7.2f ms  (%d ok, %d failed)", perSecond(),
                    p50Nanos / 1e6, p99Nanos / 1e6, completed, failed);
        }
    }

    static Result run(int port, RequestTemplate template, int clients, Duration warmup, Duration measure)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + measure.toNanos();
        // Names differ per run (runs are seconds apart), so a later run on the same server never reuses a key.
        long runId = (System.currentTimeMillis() / 1000) & 0xFFFFFF;
        Client[] all = new Client[clients];
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            all[i] = new Client((runId << 36) | ((long) i << 28), port, template.copy(), measureFrom, measureUntil);
            threads[i] = new Thread(all[i], "load-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long completed = 0;
        long failed = 0;
        TreeMap<Integer, String> failures = new TreeMap<>();
        List<long[]> latencies = new ArrayList<>();
        for (Client c : all) {
            completed += c.count;
            failed += c.failed;
            c.failures.forEach(failures::putIfAbsent);
            latencies.add(Arrays.copyOf(c.latencies, c.count));
        }
        long[] merged = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(clients, completed, failed, measure.toNanos() / 1e9, percentile(merged, 0.50),
                percentile(merged, 0.99), failures);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static final class Client implements Runnable {
        private final long firstId;
        private final int port;
        private final RequestTemplate template;
        private final long measureFrom;
        private final long measureUntil;
        private final SplittableRandom random;
        private final TreeMap<Integer, String> failures = new TreeMap<>();
        private long[] latencies = new long[4096];
        private int count;
        private long failed;

        Client(long firstId, int port, RequestTemplate template, long measureFrom, long measureUntil) {
            this.firstId = firstId;
            this.port = port;
            this.template = template;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
            this.random = new SplittableRandom(System.nanoTime() ^ firstId);
        }

        @Override
        public void run() {
            long id = firstId;
            try (HttpConnection connection = new HttpConnection("127.0.0.1", port)) {
                for (long now = System.nanoTime(); now < measureUntil; now = System.nanoTime()) {
                    byte[] request = template.next(id++, random);
                    long t0 = System.nanoTime();
                    int status;
                    String detail;
                    try {
                        HttpConnection.Response response = connection.exchange(request);
                        status = response.status();
                        detail = status / 100 == 2 ? null : abbreviate(response.text());
                    } catch (IOException | RuntimeException e) {
                        status = -1;
                        detail = e.toString();
                        // a server that refuses connections must not turn this loop into a busy spin
                        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                    }
                    long t1 = System.nanoTime();
                    if (t0 < measureFrom || t1 > measureUntil) {
                        continue;
                    }
                    if (detail == null) {
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = t1 - t0;
                    } else {
                        failed++;
                        failures.putIfAbsent(status, detail);
                    }
                }
            }
        }

        private static String abbreviate(String s) {
            return s.length() > 300 ? s.substring(0, 300) + "…" : s;
        }
    }
}
