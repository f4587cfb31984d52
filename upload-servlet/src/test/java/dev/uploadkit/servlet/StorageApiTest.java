package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.testing.S3ProxyServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code storage} routes over a real socket, with two buckets on an S3Proxy on 127.0.0.1 (which the server's
 * allow-list lets through), a filesystem root, and a second server on the default outbound policy.
 */
class StorageApiTest {
    @TempDir
    static Path dir;
    static S3ProxyServer s3;
    static TestServer server;
    static Path root;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.start();
        root = Files.createDirectories(dir.resolve("roots/tenants"));
        StorageSettings settings = StorageSettings.defaults()
                .withSecrets(SecretBox.parse(SecretBox.generateKey(), null))
                .withOutbound(OutboundPolicy.parse("127.0.0.1/32"))
                .withFilesystemRoots(List.of(root))
                .withTransient(true);
        server = TestServer.builder(Files.createDirectories(dir.resolve("local"))).storageSettings(settings).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        s3.close();
    }

    private static String s3Body(String name, String bucket, String extra) {
        return "{\"name\": \"" + name + "\", \"provider\": \"minio\", \"endpoint\": \"" + s3.endpoint()
                + "\", \"region\": \"us-east-1\", \"bucket\": \"" + bucket + "\", \"access_key\": \"" + s3.accessKey()
                + "\", \"secret_key\": \"" + s3.secretKey() + "\"" + extra + "}";
    }

    private static JsonNode add(String key, String body) {
        TestServer.Response r = server.send("POST", "storage", key, body);
        assertEquals(201, r.status(), r.text());
        return r.data();
    }

    @Test
    void twoBucketsTakeUploadsByIdAndByDefaultAndReportStats() {
        TestServer.Tenant t = server.newTenant("byob");
        JsonNode a = add(t.key(), s3Body("bucket A", "bucket-a", ""));
        JsonNode b = add(t.key(), s3Body("bucket B", "bucket-b", ", \"is_default\": true"));
        assertFalse(a.has("secret_key"));
        assertTrue(a.get("has_secret_key").asBoolean());
        assertTrue(b.get("is_default").asBoolean());
        assertFalse(server.get("storage", t.key()).text().contains(s3.secretKey()), "never returned");
        assertEquals(2, server.get("storage", t.key()).data().size());

        byte[] first = TestContent.random(1, 2000);
        JsonNode toA = server.uploaded(t.key(), Multipart.form().field("storage_id", a.get("id").asText())
                .field("folder", "docs").file("one.bin", first));
        assertEquals(a.get("id").asText(), toA.get("storage_id").asText());
        assertEquals(List.of("docs/one.bin"), s3.keys("bucket-a"));
        JsonNode toDefault = server.uploaded(t.key(), Multipart.form().file("two.bin", TestContent.random(2, 3000)));
        assertEquals(b.get("id").asText(), toDefault.get("storage_id").asText());
        assertEquals(List.of("two.bin"), s3.keys("bucket-b"));
        TestServer.Response download = server.get("files/" + toA.get("uuid").asText() + "/download", t.key());
        assertArrayEquals(first, download.body());

        JsonNode same = server.uploaded(t.key(), Multipart.form().field("storage_id", a.get("id").asText())
                .file("again.bin", first));
        assertTrue(same.get("deduplicated").asBoolean(), "dedup within one connection");
        JsonNode elsewhere = server.uploaded(t.key(), Multipart.form().file("again.bin", first));
        assertFalse(elsewhere.get("deduplicated").asBoolean(), "dedup is per connection");

        JsonNode stats = server.get("storage/" + a.get("id").asText() + "/stats", t.key()).data();
        assertEquals(2, stats.get("files").asLong());
        assertEquals(4000, stats.get("bytes").asLong());
        assertEquals(2, stats.get("folders").size(), stats.toString());
        assertEquals("", stats.get("folders").get(0).get("folder").asText());
        assertEquals("docs", stats.get("folders").get(1).get("folder").asText());
        assertEquals(2000, stats.get("folders").get(1).get("bytes").asLong());

        JsonNode made = server.send("POST", "storage/" + a.get("id").asText() + "/default", t.key(), null).data();
        assertTrue(made.get("is_default").asBoolean());
        assertFalse(server.get("storage/" + b.get("id").asText(), t.key()).data().get("is_default").asBoolean());
        assertEquals(a.get("id").asText(), server.uploaded(t.key(), Multipart.form().file("three.bin",
                TestContent.random(3, 10))).get("storage_id").asText());
    }

    @Test
    void aStorageIdAfterTheFileStoresItInThatConnection() {
        TestServer.Tenant t = server.newTenant("late-storage");
        JsonNode a = add(t.key(), s3Body("late A", "late-a", ""));
        add(t.key(), s3Body("late B", "late-b", ", \"is_default\": true"));
        String aId = a.get("id").asText();

        byte[] small = TestContent.random(11, 10_000);
        JsonNode one = server.uploaded(t.key(), Multipart.form().file("small.bin", small).field("storage_id", aId));
        assertEquals(aId, one.get("storage_id").asText());
        byte[] big = TestContent.random(12, 300_000); // streamed while it arrives: copied into A when the form ends
        JsonNode two = server.uploaded(t.key(), Multipart.form().file("big.bin", big).field("storage_id", aId)
                .field("folder", "late"));
        assertEquals(aId, two.get("storage_id").asText());
        assertEquals("late/big.bin", two.get("object_key").asText());
        assertArrayEquals(big, server.get("files/" + two.get("uuid").asText() + "/download", t.key()).body());
        assertEquals(List.of("late/big.bin", "small.bin"), s3.keys("late-a"));
        assertEquals(List.of(), s3.keys("late-b"), "nothing stays in the default connection");
        JsonNode stats = server.get("storage/" + aId + "/stats", t.key()).data();
        assertEquals(2, stats.get("files").asLong());
        assertEquals(310_000, stats.get("bytes").asLong());

        TestServer.Response nowhere = server.upload(t.key(), Multipart.form().file("x.bin", big)
                .field("storage_id", UUID.randomUUID().toString()));
        assertEquals(404, nowhere.status(), nowhere.text());
        assertEquals("NOT_FOUND", nowhere.json().get("error").get("code").asText());
        assertEquals(List.of(), s3.keys("late-b"), "nothing stays after a refused storage");
        assertEquals(2, server.get("files", t.key()).json().get("meta").get("total").asLong());
    }

    @Test
    void theServersOwnStoreIsShownByAUuidThatUploadsAndStatsTake() {
        TestServer.Tenant t = server.newTenant("own-store");
        JsonNode first = server.uploaded(t.key(), Multipart.form().field("folder", "f").file("a.txt", "a".getBytes()));
        String id = first.get("storage_id").asText();
        assertEquals(id, java.util.UUID.fromString(id).toString(), "SPEC §2: IDs are UUIDs");
        JsonNode byUuid = server.uploaded(t.key(), Multipart.form().field("storage_id", id.toUpperCase())
                .file("b.txt", "bb".getBytes()));
        JsonNode byName = server.uploaded(t.key(), Multipart.form().file("c.txt", "ccc".getBytes())
                .field("storage_id", "local"));
        assertEquals(id, byUuid.get("storage_id").asText());
        assertEquals(id, byName.get("storage_id").asText());
        TestServer.Response stats = server.get("storage/" + id + "/stats", t.key());
        assertEquals(200, stats.status(), stats.text());
        assertEquals(id, stats.data().get("storage_id").asText());
        assertEquals(3, stats.data().get("files").asLong());
        assertEquals(6, stats.data().get("bytes").asLong());
        assertEquals(404, server.get("storage/" + id, t.key()).status(), "not a connection of the project");
    }

    @Test
    void aPublicFileOnAConnectionWithAPublicBaseUrlIsServedThere() {
        TestServer.Tenant t = server.newTenant("cdn");
        String id = add(t.key(), s3Body("cdn", "bucket-cdn", ", \"public_base_url\": \"https://cdn.example.com/media/\""))
                .get("id").asText();
        JsonNode pub = server.uploaded(t.key(), Multipart.form().field("storage_id", id).field("is_public", "true")
                .field("folder", "a b").file("x y.txt", "x".getBytes()));
        assertEquals("https://cdn.example.com/media/a%20b/x%20y.txt", pub.get("download_url").asText());
        JsonNode priv = server.uploaded(t.key(), Multipart.form().field("storage_id", id).file("p.txt",
                "p".getBytes()));
        assertTrue(priv.get("download_url").asText().contains("/download?token="), priv.toString());

        TestServer.Response cleared = server.send("PATCH", "storage/" + id, t.key(),
                "{\"public_base_url\": null, \"region\": null}");
        assertEquals(200, cleared.status(), cleared.text());
        assertTrue(cleared.data().get("public_base_url").isNull(), cleared.text());
        JsonNode signed = server.uploaded(t.key(), Multipart.form().field("storage_id", id).field("is_public", "true")
                .file("later.txt", "l".getBytes()));
        assertTrue(signed.get("download_url").asText().contains("/download?token="), signed.toString());
    }

    @Test
    void aRemoteCopyStreamsTheBytesIntoAnotherConnectionUnderThePattern() {
        TestServer.Tenant t = server.newTenant("copy");
        String target = add(t.key(), s3Body("backup", "bucket-copy", ", \"public_base_url\": \"https://b.example.com\""))
                .get("id").asText();
        byte[] bytes = TestContent.random(10, 6 * 1024 * 1024 + 5);
        JsonNode local = server.uploaded(t.key(), Multipart.form().field("folder", "docs").file("report.bin", bytes));
        String uuid = local.get("uuid").asText();
        TestServer.Response copied = server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"backup/${folder}/${uuid}${ext}\"}");
        assertEquals(201, copied.status(), copied.text());
        String key = "backup/docs/" + uuid + ".bin";
        assertEquals(key, copied.data().get("object_key").asText());
        assertEquals(target, copied.data().get("storage_id").asText());
        assertEquals(bytes.length, copied.data().get("size_bytes").asLong());
        assertEquals("https://b.example.com/" + key, copied.data().get("url").asText());
        assertEquals(List.of(key), s3.keys("bucket-copy"));

        assertEquals(409, server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"backup/${folder}/${uuid}${ext}\"}").status());
        TestServer.Response unknown = server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"${nope}\"}");
        assertEquals(422, unknown.status());
        assertEquals(422, server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"../${filename}\"}").status());
        JsonNode plain = server.send("POST", "files/" + uuid + "/remote-copy", t.key(), "{\"storage_id\": \"" + target
                + "\", \"make_public\": false}").data();
        assertEquals(uuid + "/report.bin", plain.get("object_key").asText());
        assertTrue(plain.get("url").isNull());

        TestServer.Tenant other = server.newTenant("copy thief");
        assertEquals(404, server.send("POST", "files/" + uuid + "/remote-copy", other.key(),
                "{\"storage_id\": \"" + target + "\"}").status());
        String own = server.uploaded(other.key(), Multipart.form().file("mine.bin", TestContent.random(11, 10)))
                .get("uuid").asText();
        assertEquals(404, server.send("POST", "files/" + own + "/remote-copy", other.key(),
                "{\"storage_id\": \"" + target + "\"}").status());
        assertEquals(2, s3.keys("bucket-copy").size());

        assertEquals(200, server.send("DELETE", "files/" + uuid, t.key(), null).status());
        TestServer.Response trashed = server.send("POST", "files/" + uuid + "/remote-copy", t.key(),
                "{\"storage_id\": \"" + target + "\", \"pattern\": \"trashed/${filename}\"}");
        assertEquals(409, trashed.status(), "in trash, as for a local copy: " + trashed.text());
        assertEquals("CONFLICT", trashed.errorCode());
        assertEquals(2, s3.keys("bucket-copy").size());
    }

    @Test
    void removingIsRefusedWhileFilesLiveThere() {
        TestServer.Tenant t = server.newTenant("remove");
        String id = add(t.key(), s3Body("to remove", "bucket-r", "")).get("id").asText();
        JsonNode up = server.uploaded(t.key(), Multipart.form().field("storage_id", id).file("r.bin",
                TestContent.random(4, 100)));
        TestServer.Response refused = server.send("DELETE", "storage/" + id, t.key(), null);
        assertEquals(409, refused.status());
        assertEquals("CONFLICT", refused.errorCode());
        assertEquals(200, server.send("DELETE", "files/" + up.get("uuid").asText(), t.key(), null).status());
        assertEquals(409, server.send("DELETE", "storage/" + id, t.key(), null).status(), "trash counts");
        assertEquals(204 / 100, server.send("DELETE", "files/" + up.get("uuid").asText() + "/force", t.key(), null)
                .status() / 100);
        assertEquals(200, server.send("DELETE", "storage/" + id, t.key(), null).status());
        assertEquals(404, server.get("storage/" + id, t.key()).status());
        assertEquals(List.of(), s3.keys("bucket-r"));
    }

    @Test
    void theConnectivityCheckTimesEachStepAndNamesTheFailingOne() throws Exception {
        TestServer.Tenant t = server.newTenant("check");
        String ok = add(t.key(), s3Body("fine", "bucket-ok", "")).get("id").asText();
        JsonNode check = server.send("POST", "storage/" + ok + "/test", t.key(), null).data();
        assertTrue(check.get("ok").asBoolean(), check.toString());
        assertEquals(List.of("connect", "write", "read", "delete"), steps(check));
        assertTrue(check.get("failed_step").isNull());
        assertEquals(List.of(), s3.keys("bucket-ok"), "the probe is gone");

        S3ProxyServer stopped = S3ProxyServer.start();
        String down = add(t.key(), "{\"name\": \"down\", \"provider\": \"minio\", \"endpoint\": \"" + stopped.endpoint()
                + "\", \"bucket\": \"gone\", \"access_key\": \"" + stopped.accessKey() + "\", \"secret_key\": \""
                + stopped.secretKey() + "\"}").get("id").asText();
        stopped.close();
        JsonNode failed = server.send("POST", "storage/" + down + "/test", t.key(), null).data();
        assertFalse(failed.get("ok").asBoolean());
        assertEquals("connect", failed.get("failed_step").asText());
        assertFalse(failed.get("error").asText().contains(stopped.secretKey()));
        JsonNode lastStep = failed.get("steps").get(failed.get("steps").size() - 1);
        assertFalse(lastStep.get("ok").asBoolean());
        assertTrue(lastStep.get("latency_ms").asLong() > 0, "how long the failing step took: " + lastStep);

        long before = server.uploadCount(t.projectId());
        TestServer.Response upload = server.upload(t.key(), Multipart.form().field("storage_id", down)
                .file("lost.bin", TestContent.random(5, 100)));
        assertEquals(upload.status() == 503 ? "SERVICE_UNAVAILABLE" : "STORAGE_ERROR", upload.errorCode(),
                upload.text());
        assertEquals(before, server.uploadCount(t.projectId()), "nothing half-written");
    }

    @Test
    void aStorageThatNeverAnswersIsReportedAfterTheCheckTimeout() throws Exception {
        StorageSettings settings = StorageSettings.defaults()
                .withSecrets(SecretBox.parse(SecretBox.generateKey(), null))
                .withOutbound(OutboundPolicy.parse("127.0.0.1/32"))
                .withCheckTimeout(java.time.Duration.ofSeconds(2));
        // Connections complete in the kernel's backlog, and nothing ever answers them.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             TestServer quick = TestServer.builder(Files.createDirectories(dir.resolve("quick")))
                     .storageSettings(settings).start()) {
            String body = "{\"name\": \"silent\", \"provider\": \"minio\", \"endpoint\": \"http://127.0.0.1:"
                    + silent.getLocalPort() + "\", \"bucket\": \"quiet\", \"access_key\": \"a\", \"secret_key\": \"b\"}";
            TestServer.Response added = quick.send("POST", "storage", quick.key, body);
            assertEquals(201, added.status(), added.text());
            long started = System.nanoTime();
            JsonNode check = quick.send("POST", "storage/" + added.data().get("id").asText() + "/test", quick.key, null)
                    .data();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertFalse(check.get("ok").asBoolean(), check.toString());
            assertEquals("connect", check.get("failed_step").asText());
            assertTrue(check.get("error").asText().contains("did not answer"), check.toString());
            assertTrue(tookMs < 30_000, "answered after the 2 s timeout, not the client's minutes: " + tookMs + " ms");
            JsonNode step = check.get("steps").get(check.get("steps").size() - 1);
            assertTrue(step.get("latency_ms").asLong() >= 2000, step.toString());
        }
    }

    @Test
    void aFilesystemConnectionStaysInsideItsRootAndTheProjectsFolder() {
        TestServer.Tenant t = server.newTenant("fs");
        JsonNode fs = add(t.key(), "{\"name\": \"disk\", \"provider\": \"filesystem\", \"bucket\": \"media\"}");
        assertEquals(root.toAbsolutePath().normalize().toString(), fs.get("endpoint").asText());
        server.uploaded(t.key(), Multipart.form().field("storage_id", fs.get("id").asText()).file("f.txt",
                "hello".getBytes()));
        assertTrue(Files.exists(root.resolve(t.projectId().toString()).resolve("media/f.txt")));
        for (String body : List.of(
                "{\"name\": \"x\", \"provider\": \"filesystem\", \"bucket\": \"..\"}",
                "{\"name\": \"x\", \"provider\": \"filesystem\", \"bucket\": \"a/../../b\"}",
                "{\"name\": \"x\", \"provider\": \"filesystem\", \"bucket\": \"m\", \"endpoint\": \"/etc\"}",
                "{\"name\": \"x\", \"provider\": \"filesystem\", \"bucket\": \"m\", \"endpoint\": \"" + root
                        + "/../..\"}")) {
            TestServer.Response r = server.send("POST", "storage", t.key(), body);
            assertEquals(422, r.status(), body + " -> " + r.text());
        }
    }

    @Test
    void oneRefusalNamesEveryBadFieldOfAConnection() {
        TestServer.Tenant t = server.newTenant("fields");
        TestServer.Response r = server.send("POST", "storage", t.key(),
                "{\"name\": \"\", \"provider\": \"s3\", \"endpoint\": \"ftp://127.0.0.1/\"}");
        assertEquals(422, r.status(), r.text());
        JsonNode error = r.json().get("error");
        assertEquals(List.of("access_key", "bucket", "endpoint", "name", "secret_key"),
                TestServer.Response.fieldNames(error.get("details")).stream().sorted().toList(), r.text());
        assertTrue(error.get("message").asText().endsWith("(and 4 more problems)"), r.text());
    }

    @Test
    void anotherProjectCannotSeeUseTestOrChangeAConnection() {
        TestServer.Tenant a = server.newTenant("owner");
        TestServer.Tenant b = server.newTenant("intruder");
        String id = add(a.key(), s3Body("mine", "bucket-mine", "")).get("id").asText();
        assertEquals(0, server.get("storage", b.key()).data().size());
        assertEquals(404, server.get("storage/" + id, b.key()).status());
        assertEquals(404, server.send("PATCH", "storage/" + id, b.key(), "{\"name\": \"x\"}").status());
        assertEquals(404, server.send("POST", "storage/" + id + "/test", b.key(), null).status());
        assertEquals(404, server.get("storage/" + id + "/stats", b.key()).status());
        assertEquals(404, server.send("POST", "storage/" + id + "/default", b.key(), null).status());
        assertEquals(404, server.send("DELETE", "storage/" + id, b.key(), null).status());
        TestServer.Response use = server.upload(b.key(), Multipart.form().field("storage_id", id)
                .file("x.bin", TestContent.random(6, 10)));
        assertEquals(404, use.status(), "SPEC §2: another project's resource is not found, like an unknown one");
        assertEquals("NOT_FOUND", use.errorCode());
        TestServer.Response unknown = server.upload(b.key(), Multipart.form().field("storage_id",
                UUID.randomUUID().toString()).file("y.bin", TestContent.random(7, 10)));
        assertEquals(404, unknown.status());
        assertEquals(use.text().replace(use.header("X-Request-Id").orElse("-"), ""),
                unknown.text().replace(unknown.header("X-Request-Id").orElse("-"), ""), "the same answer");
        assertEquals(0, server.get("storage/" + id + "/stats", a.key()).data().get("files").asLong());
        assertEquals(403, server.get("storage", server.keyWith(Permission.FILES_READ)).status());
        assertEquals(200, server.get("storage/" + id + "/stats", a.key()).status());
    }

    @Test
    void updatesReopenTheStoreAndKeepTheSecretUnlessANewOneIsSent() {
        TestServer.Tenant t = server.newTenant("update");
        String id = add(t.key(), s3Body("before", "bucket-u", "")).get("id").asText();
        server.uploaded(t.key(), Multipart.form().field("storage_id", id).file("u1.bin", TestContent.random(7, 10)));
        TestServer.Response renamed = server.send("PATCH", "storage/" + id, t.key(), "{\"name\": \"after\"}");
        assertEquals("after", renamed.data().get("name").asText());
        assertEquals(409, server.send("PATCH", "storage/" + id, t.key(), "{\"bucket\": \"bucket-v\"}").status());
        TestServer.Response badSecret = server.send("PATCH", "storage/" + id, t.key(), "{\"secret_key\": \"wrong\"}");
        assertEquals(200, badSecret.status());
        assertEquals("STORAGE_ERROR", server.upload(t.key(), Multipart.form().field("storage_id", id)
                .file("u2.bin", TestContent.random(8, 10))).errorCode(), "the store was reopened with the new secret");
        server.send("PATCH", "storage/" + id, t.key(), "{\"secret_key\": \"" + s3.secretKey() + "\"}");
        server.uploaded(t.key(), Multipart.form().field("storage_id", id).file("u3.bin", TestContent.random(9, 10)));
        assertEquals(422, server.send("PATCH", "storage/" + id, t.key(), "{\"provider\": \"s3\"}").status());
    }

    @Test
    void changingWhatAStoreIsNotMadeOfKeepsItsObjects() {
        // A transient store's objects live only in the open store: a rename, a public base URL or making it the
        // default must not reopen it (it would come back empty while its uploads stay listed as completed).
        TestServer.Tenant t = server.newTenant("keep");
        String id = add(t.key(), "{\"name\": \"mem\", \"provider\": \"transient\", \"bucket\": \"b1\"}")
                .get("id").asText();
        byte[] bytes = TestContent.random(13, 1000);
        String uuid = server.uploaded(t.key(), Multipart.form().field("storage_id", id).file("kept.bin", bytes))
                .get("uuid").asText();
        for (String[] change : List.of(new String[] {"PATCH", "storage/" + id, "{\"name\": \"mem2\"}"},
                new String[] {"PATCH", "storage/" + id, "{\"public_base_url\": \"https://cdn.example.com\"}"},
                new String[] {"PATCH", "storage/" + id, "{\"public_base_url\": null}"},
                new String[] {"POST", "storage/" + id + "/default", ""})) {
            TestServer.Response r = server.send(change[0], change[1], t.key(), change[2]);
            assertEquals(200, r.status(), r.text());
            TestServer.Response download = server.get("files/" + uuid + "/download", t.key());
            assertEquals(200, download.status(), change[2] + ": " + download.text());
            assertArrayEquals(bytes, download.body());
        }
    }

    @Test
    void secretsAreEncryptedAtRest() throws Exception {
        TestServer.Tenant t = server.newTenant("secrets");
        String id = add(t.key(), s3Body("sealed", "bucket-s", "")).get("id").asText();
        server.send("POST", "storage/" + id + "/test", t.key(), null);
        String webhookSecret = server.send("POST", "webhooks", t.key(), "{\"url\": \"https://93.184.215.14/hook\","
                + " \"events\": [\"upload.completed\"]}").data().get("secret").asText();
        List<String> dump = new ArrayList<>();
        try (Connection c = server.database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SCRIPT")) {
            while (rs.next()) {
                dump.add(rs.getString(1));
            }
        }
        String all = String.join("\n", dump);
        assertTrue(all.contains("storage_connections".toUpperCase()) || all.contains("storage_connections"));
        assertTrue(all.contains("uk1."), "the sealed secret is there");
        String secret = s3.secretKey();
        assertFalse(all.contains(secret), "no plaintext secret in any table");
        assertFalse(all.contains(Base64.getEncoder().encodeToString(secret.getBytes())), "nor base64 of it");
        assertTrue(webhookSecret.startsWith("whsec_"), webhookSecret);
        assertFalse(all.contains(webhookSecret.substring("whsec_".length())), "no webhook signing secret either");
        assertNotNull(UUID.fromString(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254", "http://127.0.0.1:9000", "http://[::1]:9000",
            "http://10.0.0.5", "http://[::ffff:169.254.169.254]", "http://localhost:9000"})
    void endpointsOnPrivateOrMetadataAddressesAreRefusedByDefault(String endpoint) throws Exception {
        try (TestServer strict = TestServer.builder(Files.createTempDirectory(dir, "strict"))
                .storageSettings(StorageSettings.defaults().withSecrets(SecretBox.parse(SecretBox.generateKey(), null)))
                .start()) {
            TestServer.Response r = strict.send("POST", "storage", strict.key, "{\"name\": \"evil\", \"provider\":"
                    + " \"s3\", \"endpoint\": \"" + endpoint + "\", \"bucket\": \"b-b-b\", \"access_key\": \"a\","
                    + " \"secret_key\": \"s\"}");
            assertEquals(422, r.status(), r.text());
            assertTrue(r.json().path("error").path("details").has("endpoint"), r.text());
            assertEquals(0, strict.get("storage").data().size());
        }
    }

    private static List<String> steps(JsonNode check) {
        List<String> names = new ArrayList<>();
        check.get("steps").forEach(s -> {
            assertTrue(s.get("ok").asBoolean());
            assertTrue(s.get("latency_ms").asLong() >= 0);
            names.add(s.get("step").asText());
        });
        return names;
    }
}
