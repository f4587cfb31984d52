package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kill -9 row: small uploads from several clients, SIGKILL right after the last acknowledgement, restart
 * on the same data dir and database, then every acknowledged upload must still be listed and download its
 * exact bytes.
 */
final class DurabilityCheck {
    private static final Pattern UUID = Pattern.compile("\"uuid\":\"([0-9a-f-]{36})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");

    private DurabilityCheck() {
    }

    /**
     * What the check found.
     *
     * @param acknowledged uploads answered 201 before the kill
     * @param refused uploads answered otherwise (not counted as lost: the client was told)
     * @param killDelayMillis time from the last acknowledgement to the kill signal
     * @param reasons the first few reasons uploads were found missing
     */
    record Result(int acknowledged, int refused, int lost, double killDelayMillis, List<String> reasons) {
    }

    private record Acknowledged(String uuid, byte[] content) {
    }

    static Result run(Path jar, Path dataDir, BenchDatabase database, int uploads, int clients, int size, Path logs)
            throws IOException, InterruptedException {
        List<String> jvm = List.of("-Xmx256m");
        List<Acknowledged> acknowledged = new ArrayList<>();
        int[] refused = new int[1];
        long lastAck;
        long killedAt;
        String key;
        UploadkitProcess first = UploadkitProcess.start("uploadkit (before kill -9)", jar, jvm, dataDir,
                database.serverArgs(), Optional.empty(), logs.resolve("durability-1.log"));
        try {
            key = first.adminKey();
            lastAck = upload(first, uploads, clients, size, acknowledged, refused);
        } finally {
            killedAt = System.nanoTime();
            first.jvm().kill();
        }
        double killDelayMillis = (killedAt - lastAck) / 1e6;

        List<String> reasons = new ArrayList<>();
        int lost = 0;
        try (UploadkitProcess second = UploadkitProcess.start("uploadkit (after kill -9)", jar, jvm, dataDir,
                database.serverArgs(), Optional.of(key), logs.resolve("durability-2.log"));
             HttpConnection connection = new HttpConnection("127.0.0.1", second.port())) {
            for (Acknowledged a : acknowledged) {
                String reason = check(connection, second, a);
                if (reason != null) {
                    lost++;
                    if (reasons.size() < 5) {
                        reasons.add(a.uuid() + ": " + reason);
                    }
                }
            }
        }
        return new Result(acknowledged.size(), refused[0], lost, killDelayMillis, reasons);
    }

    /** Sends the uploads from {@code clients} threads; returns the nanoTime of the last acknowledgement. */
    private static long upload(UploadkitProcess server, int uploads, int clients, int size,
                               List<Acknowledged> acknowledged, int[] refused) throws InterruptedException {
        RequestTemplate template = RequestTemplate.multipart(server.port(), server.mount() + "/files/upload",
                server.adminKey(), size);
        long[] lastAck = new long[clients];
        List<List<Acknowledged>> perClient = new ArrayList<>();
        int[] refusedPerClient = new int[clients];
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            int client = i;
            int count = uploads / clients + (i < uploads % clients ? 1 : 0);
            List<Acknowledged> mine = new ArrayList<>();
            perClient.add(mine);
            RequestTemplate own = template.copy();
            threads[i] = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(System.nanoTime() + client);
                try (HttpConnection connection = new HttpConnection("127.0.0.1", server.port())) {
                    for (int n = 0; n < count; n++) {
                        byte[] request = own.next(((long) client << 32) | n, random);
                        try {
                            HttpConnection.Response response = connection.exchange(request);
                            Matcher m = UUID.matcher(response.text());
                            if (response.status() == 201 && m.find()) {
                                mine.add(new Acknowledged(m.group(1), own.content()));
                                lastAck[client] = System.nanoTime();
                            } else {
                                refusedPerClient[client]++;
                            }
                        } catch (IOException e) {
                            refusedPerClient[client]++;
                        }
                    }
                }
            }, "durability-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        perClient.forEach(acknowledged::addAll);
        refused[0] = Arrays.stream(refusedPerClient).sum();
        return Arrays.stream(lastAck).max().orElse(System.nanoTime());
    }

    /** Returns null if the upload survived, else what is wrong with it. */
    private static String check(HttpConnection connection, UploadkitProcess server, Acknowledged upload) {
        String path = server.mount() + "/files/" + upload.uuid();
        try {
            HttpConnection.Response details = connection.exchange(get(server, path));
            if (details.status() != 200) {
                return "GET files/{uuid} answered " + details.status();
            }
            HttpConnection.Response download = connection.exchange(get(server, path + "/download"));
            if (download.status() != 200) {
                Matcher status = STATUS.matcher(details.text());
                return "download answered " + download.status() + ", the record's status is "
                        + (status.find() ? status.group(1) : "missing");
            }
            if (!Arrays.equals(download.body(), upload.content())) {
                return "downloaded " + download.body().length + " bytes that differ from the " + upload.content().length
                        + " uploaded";
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static byte[] get(UploadkitProcess server, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-API-Key: "
                + server.adminKey() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
