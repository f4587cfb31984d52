package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.ReceivedUpload;
import dev.uploadkit.core.SweepResult;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.ForwardingFileStore;
import dev.uploadkit.core.testing.MutableClock;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash sweeps, forced deletes of stuck uploads and the trash purge, on each database with a real filesystem
 * store. A crashed instance is one that staged an upload (bytes stored, record {@code processing}) and then
 * stopped: no commit, no heartbeat. Time moves on an injected clock.
 */
class CrashSweepTest {
    private static final Duration STALE = Duration.ofMinutes(1);

    @TempDir
    Path storeDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TestDatabase db;
    private FileStore store;
    private UploadService crashed;
    private UploadService live;
    private UUID project;
    private final List<UploadEvent> liveEvents = new CopyOnWriteArrayList<>();

    private void open(TestDatabases.Kind kind) {
        db = kind.open();
        store = JcloudsFileStore.filesystem("local", storeDir);
        crashed = service("crashed");
        live = UploadService.builder().catalog(db.catalog()).store(store).clock(clock).instanceId("live")
                .interruptedAfter(STALE).webhookSink(liveEvents::add).build();
        project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", clock.instant()));
    }

    private UploadService service(String instanceId) {
        return UploadService.builder().catalog(db.catalog()).store(store).clock(clock).instanceId(instanceId)
                .interruptedAfter(STALE).build();
    }

    @AfterEach
    void closeAll() {
        if (db != null) {
            crashed.close();
            live.close();
            store.close();
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void failsTheUploadsOfAGoneInstanceAndRemovesTheirBytes(TestDatabases.Kind kind) {
        open(kind);
        crashed.heartbeat();
        live.heartbeat();
        ReceivedUpload cutOff = stage(crashed, "cut-off.bin");
        ReceivedUpload streaming = stage(live, "streaming.bin");
        assertEquals(2, objects().size());

        clock.advance(STALE.plusSeconds(1));
        live.heartbeat();
        SweepResult result = live.sweepInterrupted(Duration.ofMinutes(10));

        assertEquals(1, result.interruptedUploads());
        Upload failed = live.get(project, cutOff.uuid());
        assertEquals(UploadStatus.FAILED, failed.status());
        assertEquals(UploadError.interrupted(), failed.error());
        assertEquals(UploadError.INTERRUPTED, failed.error().code());
        assertEquals("The upload was cut off by a crash or restart of the server that received it.",
                failed.error().message());
        live.deliverEvents();
        List<UploadEvent> failures = liveEvents.stream().filter(e -> e.type().equals(UploadEvent.FAILED)).toList();
        assertEquals(1, failures.size(), "one upload.failed event: " + liveEvents);
        assertEquals(cutOff.uuid(), failures.get(0).upload().uuid());
        assertEquals(UploadError.interrupted(), failures.get(0).upload().error());
        assertEquals(UploadStatus.FAILED, failures.get(0).upload().status());
        assertEquals(UploadStatus.PROCESSING, live.get(project, streaming.uuid()).status(),
                "the live instance's upload is left alone");
        assertEquals(List.of(storeDir.resolve("files/streaming.bin")), objects(), "only the live upload's bytes stay");
        assertEquals(1, abandonedBlobs().size(), "only the live upload's reservation stays");

        Upload completed = streaming.complete(UploadRequest.of(project, "streaming.bin"));
        assertEquals(UploadStatus.COMPLETED, completed.status());
        assertNull(completed.error());
        assertNull(live.get(project, streaming.uuid()).error());
        assertEquals(0, live.sweepInterrupted(Duration.ofMinutes(10)).interruptedUploads(), "a second sweep finds nothing");
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRESQL"})
    void removesOldDeletingBlobsAndTemporaryFiles(TestDatabases.Kind kind) throws IOException {
        open(kind);
        live.heartbeat();
        byte[] bytes = TestContent.pdf();
        live.upload(UploadRequest.of(project, "kept.pdf"), new ByteArrayInputStream(bytes));
        // A second copy whose removal was cut off: reserved, written, deduplicated (so DELETING), never removed.
        Blob copy = db.catalog().inTransaction(tx -> tx.blobs().reserve(project, "local", "copy.pdf", clock.instant()));
        store.put(copy.objectKey(), new ByteArrayInputStream(bytes), "application/pdf");
        db.catalog().inTransaction(tx -> tx.blobs().commit(copy.id(), TestContent.sha256(bytes), bytes.length,
                "application/pdf"));
        Path staleTemp = Files.writeString(storeDir.resolve("files/.uploadkit-0123.part"), "partial");
        Path freshTemp = Files.writeString(storeDir.resolve("files/.uploadkit-4567.part"), "partial");
        Files.setLastModifiedTime(staleTemp, FileTime.from(clock.instant().minus(Duration.ofHours(1))));

        clock.advance(Duration.ofMinutes(2));
        live.heartbeat();
        Files.setLastModifiedTime(freshTemp, FileTime.from(clock.instant()));
        SweepResult result = live.sweepInterrupted(Duration.ofMinutes(1));

        assertEquals(1, result.deletingBlobs());
        assertEquals(1, result.temporaryFiles());
        assertFalse(Files.exists(staleTemp));
        assertTrue(Files.exists(freshTemp), "a temporary file written lately may belong to a write in progress");
        assertFalse(Files.exists(storeDir.resolve("files/copy.pdf")));
        assertTrue(Files.exists(storeDir.resolve("files/kept.pdf")));
        assertEquals(List.of(), abandonedBlobs());
    }

    /**
     * An upload held whole in memory commits before its staged bytes move under its key. A crash in between (here an
     * Error from the store's move, which nothing catches, as a kill stops the thread) leaves the committed record and
     * the staged file: the sweep moves the file under the record's key. A staged file no committed upload names is
     * removed.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void finishesTheMoveOfBytesWhoseUploadCommittedBeforeACrash(TestDatabases.Kind kind) throws IOException {
        open(kind);
        UploadService cutOff = cutOffAtTheMove();
        byte[] bytes = TestContent.pdf();
        assertThrows(Error.class,
                () -> cutOff.upload(UploadRequest.of(project, "report.pdf").withFolder("docs"), bytes));
        cutOff.close();
        Upload committed = live.list(project, dev.uploadkit.core.UploadQuery.builder().build(),
                dev.uploadkit.core.PageRequest.first(10)).items().get(0);
        assertEquals(UploadStatus.COMPLETED, committed.status());
        assertEquals("docs/report.pdf", committed.objectKey());
        // The filesystem store keeps temporary files in one folder, whatever the folder of their key.
        Path staged = storeDir.resolve("files/.uploadkit-staging/.uploadkit-" + project + "_" + committed.uuid()
                + ".part");
        Path orphan = staged.resolveSibling(".uploadkit-" + project + "_" + UUID.randomUUID() + ".part");
        Files.write(orphan, bytes);
        assertEquals(List.of(staged, orphan).stream().sorted().toList(), objects().stream().sorted().toList());
        // The orphan is old enough to remove; the committed upload's staged file is moved however recent it is.
        Files.setLastModifiedTime(orphan, FileTime.from(clock.instant().minus(Duration.ofHours(1))));

        assertArrayEquals(bytes, read(committed), "until the sweep, the bytes are read where they were staged");

        live.heartbeat();
        SweepResult result = live.sweepInterrupted(Duration.ofMinutes(10));

        assertEquals(2, result.temporaryFiles());
        assertEquals(List.of(storeDir.resolve("files/docs/report.pdf")), objects());
        assertArrayEquals(bytes, read(committed));
    }

    /**
     * The first upload of some bytes committed, then a crash kept its staged bytes from their key. The same bytes
     * uploaded again are deduplicated onto that key and put there before the answer; the sweep then removes the first
     * staged file (recent, but claimed by a committed upload whose key holds the bytes).
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDuplicateOfBytesWhoseFirstUploadWasCutOffPutsThemInPlace(TestDatabases.Kind kind) throws IOException {
        open(kind);
        UploadService cutOff = cutOffAtTheMove();
        byte[] bytes = TestContent.pdf();
        assertThrows(Error.class, () -> cutOff.upload(UploadRequest.of(project, "first.pdf"), bytes));
        cutOff.close();

        Upload duplicate = live.upload(UploadRequest.of(project, "second.pdf").withFolder("other"), bytes);
        assertTrue(duplicate.deduplicated());
        assertEquals("first.pdf", duplicate.objectKey());
        assertArrayEquals(bytes, read(duplicate), "readable as soon as it is acknowledged");

        live.heartbeat();
        assertEquals(1, live.sweepInterrupted(Duration.ofMinutes(10)).temporaryFiles());
        assertEquals(List.of(storeDir.resolve("files/first.pdf")), objects());
    }

    /**
     * The seed's form, file first and folder after: the bytes move to {@code folder/name} under a second reservation
     * once the form ends. A crash right after that move, before the commit, leaves bytes under the second key only;
     * the sweep (or a forced delete) must remove them and both reservations, or the key stays taken for good.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aCrashAfterTheMoveToTheFolderLeavesNeitherReservationNorBytes(TestDatabases.Kind kind) {
        open(kind);
        UploadService movesThenStops = stopsAfterTheMove();
        ReceivedUpload swept = stage(movesThenStops, "swept.bin");
        ReceivedUpload deleted = stage(movesThenStops, "deleted.bin");
        assertThrows(Error.class, () -> swept.complete(UploadRequest.of(project, "swept.bin").withFolder("f")));
        assertThrows(Error.class, () -> deleted.complete(UploadRequest.of(project, "deleted.bin").withFolder("f")));
        movesThenStops.close();
        assertEquals(List.of(storeDir.resolve("files/f/deleted.bin"), storeDir.resolve("files/f/swept.bin")),
                objects());

        clock.advance(STALE.plusSeconds(1));
        live.heartbeat();
        live.forceDelete(project, deleted.uuid());
        assertEquals(1, live.sweepInterrupted(Duration.ofMinutes(10)).interruptedUploads());

        assertEquals(UploadStatus.FAILED, live.get(project, swept.uuid()).status());
        assertEquals(List.of(), objects());
        assertEquals(List.of(), abandonedBlobs());
        Upload again = live.upload(UploadRequest.of(project, "swept.bin").withFolder("f"),
                new ByteArrayInputStream(new byte[200_001]));
        assertEquals("f/swept.bin", again.objectKey(), "the key is free again");
    }

    private UploadService stopsAfterTheMove() {
        FileStore movesThenStops = new ForwardingFileStore(store) {
            @Override
            public void move(String fromKey, String toKey) {
                super.move(fromKey, toKey);
                throw new Error("the process stops here");
            }
        };
        return UploadService.builder().catalog(db.catalog()).store(movesThenStops).clock(clock)
                .instanceId("moves-then-stops").build();
    }

    /** A service whose store stops at the move of staged bytes, as a kill between a commit and the rename would. */
    private UploadService cutOffAtTheMove() {
        FileStore stopsAtTheMove = new ForwardingFileStore(store) {
            @Override
            public void move(String fromKey, String toKey) {
                throw new Error("the process stops here");
            }

            @Override
            public boolean movesByRename() {
                return true;
            }
        };
        return UploadService.builder().catalog(db.catalog()).store(stopsAtTheMove).clock(clock).instanceId("cut-off")
                .build();
    }

    private byte[] read(Upload upload) throws IOException {
        try (var download = live.open(project, upload.uuid(), java.util.Optional.empty())) {
            return download.content().content().readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void forceDeletingAStuckUploadRemovesItsReservationAndBytes(TestDatabases.Kind kind) {
        open(kind);
        crashed.heartbeat();
        ReceivedUpload stuck = stage(crashed, "stuck.bin");
        clock.advance(STALE.plusSeconds(1));

        live.forceDelete(project, stuck.uuid());

        assertThrows(UploadException.class, () -> live.get(project, stuck.uuid()));
        assertEquals(List.of(), objects());
        assertEquals(List.of(), abandonedBlobs());
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRESQL"})
    void forceDeletingAnUploadStillStreamingLetsItsInstanceCleanUp(TestDatabases.Kind kind) {
        open(kind);
        live.heartbeat();
        ReceivedUpload streaming = stage(live, "streaming.bin");

        live.forceDelete(project, streaming.uuid());
        UploadException e = assertThrows(UploadException.class,
                () -> streaming.complete(UploadRequest.of(project, "streaming.bin")));

        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(List.of(), objects());
        assertEquals(List.of(), abandonedBlobs());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void purgesUploadsTrashedLongerThanTheRetention(TestDatabases.Kind kind) {
        open(kind);
        byte[] shared = TestContent.pdf();
        Upload old = live.upload(UploadRequest.of(project, "old.pdf"), new ByteArrayInputStream(shared));
        Upload copy = live.upload(UploadRequest.of(project, "copy.pdf"), new ByteArrayInputStream(shared));
        Upload alone = live.upload(UploadRequest.of(project, "alone.bin"), new ByteArrayInputStream(new byte[]{1, 2}));
        live.trash(project, old.uuid());
        live.trash(project, alone.uuid());
        clock.advance(Duration.ofSeconds(40));
        Upload recent = live.trash(project, copy.uuid());

        clock.advance(Duration.ofSeconds(40));
        var result = live.purgeTrash(Duration.ofMinutes(1));

        assertEquals(2, result.deleted());
        assertEquals(2, result.bytesFreed(), "the shared blob is still referenced by the recent copy");
        assertThrows(UploadException.class, () -> live.get(project, old.uuid()));
        assertThrows(UploadException.class, () -> live.get(project, alone.uuid()));
        assertTrue(live.get(project, recent.uuid()).isTrashed());
        assertEquals(List.of(storeDir.resolve("files/old.pdf")), objects(), "the shared bytes stay, alone's go");
    }

    private ReceivedUpload stage(UploadService service, String name) {
        return service.receive(UploadRequest.of(project, name), new ByteArrayInputStream(new byte[200_000]));
    }

    private List<Path> objects() {
        return TestContent.filesUnder(storeDir);
    }

    private List<Blob> abandonedBlobs() {
        return db.catalog().inTransaction(tx -> tx.blobs().abandoned(clock.instant().plusSeconds(3600), 10));
    }
}
