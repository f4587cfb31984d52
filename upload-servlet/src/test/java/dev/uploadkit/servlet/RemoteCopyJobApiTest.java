package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.catalog.RemoteCopyJobs;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.testing.S3ProxyServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Remote copies above the job threshold (64 KiB here) into a bucket of an S3Proxy on 127.0.0.1 that keeps its objects
 * as files: answered 202 with where the copy goes, run by {@link BackgroundWork}, read back through their
 * {@code Location}; a failed one leaves nothing in the bucket; one held by an instance that is gone is taken over.
 */
class RemoteCopyJobApiTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    static Path buckets;
    static S3ProxyServer s3;
    static TestServer server;
    static BackgroundWork work;

    @BeforeAll
    static void start() throws Exception {
        buckets = Files.createDirectories(dir.resolve("s3"));
        s3 = S3ProxyServer.start(buckets);
        StorageSettings settings = StorageSettings.defaults()
                .withSecrets(SecretBox.parse(SecretBox.generateKey(), null))
                .withOutbound(OutboundPolicy.parse("127.0.0.1/32"));
        server = TestServer.builder(Files.createDirectories(dir.resolve("local"))).storageSettings(settings)
                .service(b -> b.remoteCopyJobThreshold(DataSize.ofKibibytes(64))).start();
        work = server.backgroundWork().build();
        work.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            work.close();
            server.close();
        } finally {
            s3.close();
        }
    }

    private static String connect(TestServer.Tenant t, String bucket) {
        TestServer.Response r = server.send("POST", "storage", t.key(), "{\"name\": \"" + bucket + "\", \"provider\":"
                + " \"minio\", \"endpoint\": \"" + s3.endpoint() + "\", \"region\": \"us-east-1\", \"bucket\": \""
                + bucket + "\", \"access_key\": \"" + s3.accessKey() + "\", \"secret_key\": \"" + s3.secretKey()
                + "\", \"public_base_url\": \"https://cdn.example.com/" + bucket + "\"}");
        assertEquals(201, r.status(), r.text());
        return r.data().get("id").asText();
    }

    private static JsonNode poll(String location, String key, String until) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode job;
        do {
            TestServer.Response r = server.get(location, key);
            assertEquals(200, r.status(), r.text());
            job = r.data();
            if (job.get("status").asText().equals(until)) {
                return job;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        } while (System.nanoTime() < deadline);
        return fail("the copy job is still " + job + " after " + DEADLINE);
    }

    @Test
    void aLargeCopyRunsAsAJobAndTheAnswerSaysWhereItGoes() throws Exception {
        TestServer.Tenant t = server.newTenant("large copy");
        String target = connect(t, "bucket-large");
        byte[] bytes = TestContent.random(21, 3 * 1024 * 1024 + 17);
        String uuid = server.uploaded(t.key(), Multipart.form().field("folder", "video").file("clip.mp4", bytes))
                .get("uuid").asText();

        TestServer.Response r = server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"backup/${folder}/${uuid}${ext}\"}");
        assertEquals(202, r.status(), r.text());
        JsonNode accepted = r.data();
        String key = "backup/video/" + uuid + ".mp4";
        assertEquals("pending", accepted.get("status").asText());
        assertEquals(target, accepted.get("storage_id").asText());
        assertEquals(key, accepted.get("object_key").asText());
        assertEquals(bytes.length, accepted.get("size_bytes").asLong());
        assertEquals("https://cdn.example.com/bucket-large/" + key, accepted.get("url").asText());
        assertTrue(accepted.get("error").isNull());
        String location = r.header("Location").orElseThrow();
        assertEquals(server.base() + "/files/" + uuid + "/remote-copies/" + accepted.get("id").asText(), location);

        JsonNode done = poll(location, t.key(), "completed");
        assertEquals(bytes.length, done.get("size_bytes").asLong());
        assertEquals(List.of(key), s3.keys("bucket-large"));
        assertArrayEquals(bytes, Files.readAllBytes(buckets.resolve("bucket-large").resolve(key)));
        assertEquals(0, s3.pendingMultipartUploads("bucket-large"));

        TestServer.Response again = server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"backup/${folder}/${uuid}${ext}\"}");
        assertEquals(409, again.status(), "the key is taken");
        TestServer.Tenant other = server.newTenant("job reader");
        assertEquals(404, server.get(location, other.key()).status(), "another project's job is not found");

        String small = server.uploaded(t.key(), Multipart.form().file("note.txt", TestContent.random(22, 1000)))
                .get("uuid").asText();
        TestServer.Response inline = server.send("POST", "files/" + small + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\"}");
        assertEquals(201, inline.status(), inline.text());
        assertEquals("completed", inline.data().get("status").asText());
        assertTrue(inline.data().get("id").isNull(), "a copy made during the request has no job");
    }

    @Test
    void aFailedJobLeavesNothingInTheTarget() throws Exception {
        TestServer.Tenant t = server.newTenant("failing copy");
        String target = connect(t, "bucket-failing");
        byte[] bytes = TestContent.random(23, 512 * 1024);
        JsonNode up = server.uploaded(t.key(), Multipart.form().file("cut.bin", bytes));
        // The stored object loses half its bytes behind the catalog's back: the copy must not pass it on.
        Path stored = server.storedFiles().stream().filter(p -> p.endsWith(up.get("object_key").asText()))
                .findFirst().orElseThrow();
        try (FileChannel channel = FileChannel.open(stored, StandardOpenOption.WRITE)) {
            channel.truncate(bytes.length / 2);
        }

        TestServer.Response r = server.send("POST", "files/" + up.get("uuid").asText() + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\"}");
        assertEquals(202, r.status(), r.text());
        JsonNode failed = poll(r.header("Location").orElseThrow(), t.key(), "failed");
        assertEquals("STORAGE_ERROR", failed.get("error").get("code").asText());
        assertEquals(List.of(), s3.keys("bucket-failing"));
        assertEquals(0, s3.pendingMultipartUploads("bucket-failing"));
    }

    @Test
    void jobsHeldByAnInstanceThatIsGoneAreTakenOver() throws Exception {
        TestServer.Tenant t = server.newTenant("resumed copy");
        String target = connect(t, "bucket-resumed");
        byte[] first = TestContent.random(24, 200 * 1024);
        byte[] second = TestContent.random(25, 300 * 1024);
        UUID a = UUID.fromString(server.uploaded(t.key(), Multipart.form().file("a.bin", first)).get("uuid").asText());
        UUID b = UUID.fromString(server.uploaded(t.key(), Multipart.form().file("b.bin", second)).get("uuid").asText());
        // Two jobs that an instance claimed and then died with (it never sent a heartbeat here): it had already
        // stored the first copy, not the second.
        Instant now = server.clock.instant();
        UUID jobA = UUID.randomUUID();
        UUID jobB = UUID.randomUUID();
        server.database.catalog().inTransaction(tx -> {
            tx.remoteCopies().add(new RemoteCopyJobs.Job(jobA, t.projectId(), a, target, "resumed/a.bin", false,
                    first.length, RemoteCopyJobs.State.PENDING, 0, null, now, now));
            tx.remoteCopies().add(new RemoteCopyJobs.Job(jobB, t.projectId(), b, target, "resumed/b.bin", false,
                    second.length, RemoteCopyJobs.State.PENDING, 0, null, now, now));
            List<RemoteCopyJobs.Job> held = tx.remoteCopies().claim("gone-instance", now, now, 100);
            assertTrue(held.stream().anyMatch(j -> j.id().equals(jobA)) && held.stream().anyMatch(j -> j.id().equals(jobB)));
            return null;
        });
        Path written = buckets.resolve("bucket-resumed").resolve("resumed/a.bin");
        Files.createDirectories(written.getParent());
        Files.write(written, first);

        String base = "files/";
        JsonNode doneA = poll(base + a + "/remote-copies/" + jobA, t.key(), "completed");
        JsonNode doneB = poll(base + b + "/remote-copies/" + jobB, t.key(), "completed");
        assertEquals(first.length, doneA.get("size_bytes").asLong());
        assertEquals(second.length, doneB.get("size_bytes").asLong());
        assertArrayEquals(second, Files.readAllBytes(buckets.resolve("bucket-resumed").resolve("resumed/b.bin")));
        assertEquals(2, server.database.catalog().inTransaction(tx -> tx.remoteCopies().find(t.projectId(), jobB))
                .orElseThrow().attempts(), "taken over: a second attempt");
        assertFalse(s3.keys("bucket-resumed").isEmpty());
    }
}
