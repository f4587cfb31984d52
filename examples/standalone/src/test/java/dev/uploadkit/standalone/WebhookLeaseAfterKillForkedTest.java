package dev.uploadkit.standalone;

import com.sun.net.httpserver.HttpServer;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delivery being sent at a {@code kill -9} does not wait for its lease (1 minute): the forked server is killed
 * while the receiver holds its POST unanswered, and the server started again frees the dead instance's lease once
 * its heartbeats are {@code UPLOADKIT_INTERRUPTED_AFTER} (6 s) old, then sends the delivery (same
 * {@code X-Webhook-ID}) well before the lease would have run out. On the embedded H2 default and on PostgreSQL.
 */
class WebhookLeaseAfterKillForkedTest {
    private static final String ADMIN_KEY = "webhook-lease-admin-key-0123456789";
    /** The lease the killed server's claim holds: what the delivery would wait without the release. */
    private static final Duration LEASE = Duration.ofMinutes(1);

    @TempDir
    Path dataDir;

    @Test
    void aDeliveryCutOffByAKillIsSentBeforeItsLeaseRunsOutOnH2() throws Exception {
        killMidSendAndCheck(Map.of());
    }

    @Test
    void aDeliveryCutOffByAKillIsSentBeforeItsLeaseRunsOutOnPostgres() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username()));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            killMidSendAndCheck(env);
        }
    }

    private void killMidSendAndCheck(Map<String, String> databaseEnv) throws Exception {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.put("UPLOADKIT_ADMIN_KEY", ADMIN_KEY);
        env.put("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32");
        env.put("UPLOADKIT_INTERRUPTED_AFTER", "6s");
        try (HoldingReceiver receiver = new HoldingReceiver()) {
            long killedAt;
            try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                ApiClient.Answer created = api.send("POST", "/webhooks", "{\"url\": \"" + receiver.url()
                        + "\", \"events\": [\"upload.completed\"]}");
                assertEquals(201, created.status(), created.json()::toString);
                assertEquals(201, api.upload("cut-off.bin", TestContent.random(7, 2_000)).status());
                assertTrue(receiver.firstArrived.await(30, TimeUnit.SECONDS), "the delivery is being sent");
                server.kill();
                killedAt = System.nanoTime();
            }
            try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, env)) {
                assertTrue(receiver.answered.await(LEASE.toSeconds(), TimeUnit.SECONDS),
                        "sent again after the restart; received " + receiver.ids);
                Duration waited = Duration.ofNanos(System.nanoTime() - killedAt);
                System.out.println("Delivery cut off by kill -9 sent again " + waited.toMillis()
                        + " ms after the kill (the lease was " + LEASE.toSeconds() + " s)");
                // The claim was made before the kill, so its lease ran out less than a minute after it: 45 s leaves
                // a restart on a loaded machine its time and still tells the release from the lease running out.
                assertTrue(waited.compareTo(Duration.ofSeconds(45)) < 0, "waited " + waited);
                assertEquals(2, receiver.ids.size(), "the held POST and the one answered: " + receiver.ids);
                assertEquals(receiver.ids.get(0), receiver.ids.get(1), "the same X-Webhook-ID");
            }
        }
    }

    /** Holds the first POST unanswered until closed; answers 200 to every later one. */
    private static final class HoldingReceiver implements AutoCloseable {
        final List<String> ids = new CopyOnWriteArrayList<>();
        final CountDownLatch firstArrived = new CountDownLatch(1);
        final CountDownLatch answered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicInteger posts = new AtomicInteger();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        HoldingReceiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.setExecutor(threads);
            server.createContext("/hook", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                ids.add(exchange.getRequestHeaders().getFirst("X-Webhook-ID"));
                if (posts.incrementAndGet() == 1) {
                    firstArrived.countDown();
                    try {
                        release.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                    return;
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                answered.countDown();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
