package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.StorageService;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage connections through {@link UploadService#storage()} on every database: events through the outbox, uploads
 * routed to the project's default (read again at once by the instance that changed it, within the lookup TTL by
 * others), and master-key rotation re-sealing every secret.
 */
class StorageConnectionsServiceTest {
    @TempDir
    Path storeDir;
    @TempDir
    Path roots;

    private TestDatabase db;
    private FileStore store;
    private final List<UploadService> services = new ArrayList<>();
    private final List<UploadEvent> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        services.forEach(UploadService::close);
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private UploadService service(StorageSettings settings) {
        return service(settings, Duration.ofSeconds(3));
    }

    private UploadService service(StorageSettings settings, Duration lookupCacheTtl) {
        UploadService service = UploadService.builder().catalog(db.catalog()).store(store).webhookSink(received::add)
                .storageSettings(settings).lookupCacheTtl(lookupCacheTtl).build();
        services.add(service);
        return service;
    }

    private UUID open(TestDatabases.Kind kind) {
        db = kind.open();
        store = JcloudsFileStore.filesystem("local", storeDir);
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        return project;
    }

    private static StorageRequest s3(String name, String secret) {
        return new StorageRequest(name, "minio", "http://127.0.0.1:9", null, "bucket-one", "access", secret, null,
                null, null);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void connectingAndDisconnectingFireEventsAndUploadsFollowTheDefault(TestDatabases.Kind kind) {
        UUID project = open(kind);
        StorageService storage = service(StorageSettings.defaults().withFilesystemRoots(List.of(roots))).storage();
        UploadService uploads = services.get(0);
        StorageConnection fs = storage.add(project, new StorageRequest("disk", "filesystem", null, null, "media",
                null, null, null, null, true));
        var up = uploads.upload(UploadRequest.of(project, "b.txt"),
                new ByteArrayInputStream("b".getBytes()));
        assertEquals(fs.storageId(), up.storageId(), "the project's default connection");
        assertTrue(roots.resolve(project.toString()).resolve("media/b.txt").toFile().isFile());
        var named = uploads.upload(new UploadRequest(project, "c.txt", "", false, null, null, "local", true, null),
                new ByteArrayInputStream("c".getBytes()));
        assertEquals("local", named.storageId(), "a configured store by name");
        assertEquals(ErrorCode.CONFLICT, assertThrows(UploadException.class, () -> storage.remove(project, fs.id()))
                .code());
        uploads.deliverEvents();
        List<UploadEvent> connected = received.stream().filter(e -> e.storage() != null).toList();
        assertEquals(1, connected.size());
        assertEquals(EventType.STORAGE_CONNECTED, connected.get(0).type());
        assertEquals(fs.id(), connected.get(0).storage().id());
        assertEquals(project, connected.get(0).projectId());
        assertEquals("filesystem", connected.get(0).storage().provider());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aNewDefaultAppliesAtOnceWhereItWasMadeAndWithinTheTtlOnAnotherInstance(TestDatabases.Kind kind) {
        UUID project = open(kind);
        StorageSettings settings = StorageSettings.defaults().withFilesystemRoots(List.of(roots));
        UploadService a = service(settings, Duration.ofHours(1));
        UploadService b = service(settings, Duration.ofMillis(300));
        UploadService c = service(settings, Duration.ofHours(1));
        for (UploadService s : List.of(a, b, c)) {
            assertEquals("local", upload(s, project, "before.txt"), "no connection yet: the server's store");
        }
        StorageConnection fs = a.storage().add(project, new StorageRequest("disk", "filesystem", null, null, "media",
                null, null, null, null, true));
        assertEquals(fs.storageId(), upload(a, project, "a.txt"), "at once on the instance that made it");
        assertEquals("local", upload(c, project, "c.txt"), "another instance keeps what it read for its TTL");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String onB = upload(b, project, "b.txt");
        while (!onB.equals(fs.storageId()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            onB = upload(b, project, "b.txt");
        }
        assertEquals(fs.storageId(), onB, "within the TTL on another instance");

        StorageConnection other = a.storage().add(project, new StorageRequest("disk 2", "filesystem", null, null,
                "other", null, null, null, null, false));
        a.storage().makeDefault(project, other.id());
        assertEquals(other.storageId(), upload(a, project, "a2.txt"), "a changed default, at once");
    }

    private static String upload(UploadService service, UUID project, String name) {
        return service.upload(UploadRequest.of(project, name), new ByteArrayInputStream(name.getBytes()))
                .storageId();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aSecretSealedUnderAnotherInstancesKeyIsLeftAsItIsAndTheOthersAreResealed(TestDatabases.Kind kind) {
        UUID project = open(kind);
        String keyOfA = SecretBox.generateKey();
        String oldKeyOfB = SecretBox.generateKey();
        String newKeyOfB = SecretBox.generateKey();
        StorageSettings base = StorageSettings.defaults().withOutbound(OutboundPolicy.parse("127.0.0.1/32"));
        StorageConnection ofA = service(base.withSecrets(SecretBox.parse(keyOfA, null))).storage()
                .add(project, s3("a", "secret-of-a"));
        StorageConnection ofB = service(base.withSecrets(SecretBox.parse(oldKeyOfB, null))).storage()
                .add(project, s3("b", "secret-of-b"));

        // Instance B starts with a rotated key of its own, without A's: it must start, not fail on A's secret.
        StorageService b = service(base.withSecrets(SecretBox.parse(newKeyOfB, oldKeyOfB))).storage();
        assertEquals(1, b.resealSecrets());
        assertEquals(ofA.sealedSecret(), b.get(project, ofA.id()).sealedSecret(), "left for an instance with the key");
        assertEquals("secret-of-b", SecretBox.parse(newKeyOfB, null).open(b.get(project, ofB.id()).sealedSecret(),
                ofB.storageId()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aRotatedMasterKeyReSealsEverySecretAndTheOldKeyCanGo(TestDatabases.Kind kind) {
        UUID project = open(kind);
        String oldKey = SecretBox.generateKey();
        String newKey = SecretBox.generateKey();
        StorageSettings base = StorageSettings.defaults().withOutbound(OutboundPolicy.parse("127.0.0.1/32"));
        StorageService before = service(base.withSecrets(SecretBox.parse(oldKey, null))).storage();
        StorageConnection a = before.add(project, s3("a", "secret-of-a"));
        StorageConnection b = before.add(project, s3("b", "secret-of-b"));
        before.remove(project, b.id());
        StorageConnection c = before.add(project, s3("c", "secret-of-c"));

        SecretBox rotated = SecretBox.parse(newKey, oldKey);
        StorageService after = service(base.withSecrets(rotated)).storage();
        assertEquals(2, after.resealSecrets());
        assertEquals(0, after.resealSecrets(), "nothing left to re-seal");
        SecretBox onlyNew = SecretBox.parse(newKey, null);
        for (StorageConnection was : List.of(a, c)) {
            StorageConnection now = after.get(project, was.id());
            assertNotEquals(was.sealedSecret(), now.sealedSecret());
            assertTrue(onlyNew.isCurrent(now.sealedSecret()));
            assertEquals("secret-of-" + was.name(), onlyNew.open(now.sealedSecret(), was.storageId()));
        }
        assertThrows(IllegalArgumentException.class, () -> onlyNew.open(a.sealedSecret(), a.storageId()),
                "the old sealed text needs the old key");

        received.clear();
        services.get(0).deliverEvents();
        List<EventType> types = received.stream().filter(e -> e.storage() != null).map(UploadEvent::type).toList();
        assertEquals(List.of(EventType.STORAGE_CONNECTED, EventType.STORAGE_CONNECTED, EventType.STORAGE_DISCONNECTED,
                EventType.STORAGE_CONNECTED), types);
        assertFalse(types.isEmpty());
    }
}
