package dev.uploadkit.core;

import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copies, bulk trash and per-key metadata, on a real catalog and real stores. */
public abstract class AbstractFileOperationsTest extends UploadServiceTestBase {
    @TempDir
    Path otherDir;

    @Test
    void aCopyInTheSameStoreReferencesTheSameBlobAndOutlivesItsSource() {
        byte[] bytes = TestContent.random(1, 50_000);
        Upload source = upload(projectA, "docs", "a.bin", bytes);
        service.patch(projectA, source.uuid(), UploadPatch.none().withMetadata(new Metadata(Map.of("k", "v"))));
        List<Path> before = storedFiles();

        Upload copy = service.copy(projectA, source.uuid(), new CopyRequest("copies", "b.bin", false, null));
        assertNotEquals(source.uuid(), copy.uuid());
        assertEquals("copies", copy.folder());
        assertEquals("b.bin", copy.filename());
        assertEquals(false, copy.isStored());
        assertEquals(true, copy.deduplicated());
        assertEquals(source.objectKey(), copy.objectKey());
        assertEquals(source.sha256(), copy.sha256());
        assertEquals(Map.of("k", "v"), copy.metadata().entries());
        assertEquals(before, storedFiles(), "no byte was copied");
        assertEquals(1, service.dedupStats(projectA).uniqueBlobs());
        assertEquals(2, service.dedupStats(projectA).totalFiles());

        service.forceDelete(projectA, source.uuid());
        assertArrayEquals(bytes, read(projectA, copy.uuid()), "the blob stays while the copy references it");
        service.forceDelete(projectA, copy.uuid());
        assertNothingLeft(projectA);
        assertEquals(List.of(UploadEvent.COMPLETED, UploadEvent.METADATA_UPDATED, UploadEvent.COMPLETED,
                UploadEvent.DELETED, UploadEvent.DELETED), deliveredEvents().stream().map(UploadEvent::type).toList());
        assertTrue(deliveredEvents().stream().filter(e -> e.type() == UploadEvent.DELETED)
                .allMatch(e -> e.upload().deletedAt() != null && e.permanent()),
                "a permanent deletion says so, and when, and links nothing");
    }

    @Test
    void aCopyIntoAnotherStoreStreamsTheBytes() {
        try (FileStore other = JcloudsFileStore.filesystem("other", otherDir)) {
            UploadService two = rebuild(b -> b.store(other));
            byte[] bytes = TestContent.random(2, 300_000);
            Upload source = two.upload(UploadRequest.of(projectA, "big.bin"), new java.io.ByteArrayInputStream(bytes));
            Upload copy = two.copy(projectA, source.uuid(), new CopyRequest(null, null, null, "other"));
            assertEquals("other", copy.storageId());
            assertEquals(source.sha256(), copy.sha256());
            assertEquals(1, TestContent.filesUnder(otherDir).size());
            try (Download d = two.open(projectA, copy.uuid(), java.util.Optional.empty())) {
                assertArrayEquals(bytes, d.content().content().readAllBytes());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertCode(ErrorCode.NOT_FOUND, () -> two.copy(projectA, source.uuid(),
                    new CopyRequest(null, null, null, "nowhere")));
        }
    }

    @Test
    void onlyALiveCompletedUploadOfTheProjectCanBeCopied() {
        Upload u = upload(projectA, "", "c.txt", "copy me".getBytes());
        assertCode(ErrorCode.NOT_FOUND, () -> service.copy(projectB, u.uuid(), CopyRequest.same()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.copy(projectA, UUID.randomUUID(), CopyRequest.same()));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> new CopyRequest(null, "../x", null, null));
        service.trash(projectA, u.uuid());
        assertCode(ErrorCode.CONFLICT, () -> service.copy(projectA, u.uuid(), CopyRequest.same()));
    }

    @Test
    void bulkTrashReportsEachUploadItCouldNotMove() {
        Upload a = upload(projectA, "", "a.txt", "a".getBytes());
        Upload b = upload(projectA, "", "b.txt", "b".getBytes());
        Upload other = upload(projectB, "", "o.txt", "o".getBytes());
        service.trash(projectA, b.uuid());
        UUID unknown = UUID.randomUUID();

        BulkResult r = service.trashAll(projectA, List.of(a.uuid(), b.uuid(), other.uuid(), unknown, a.uuid()));
        assertEquals(List.of(a.uuid().toString()), r.done());
        assertEquals(List.of(b.uuid().toString(), other.uuid().toString(), unknown.toString()),
                List.copyOf(r.problems().keySet()));
        assertTrue(service.get(projectA, a.uuid()).isTrashed());
        assertTrue(!service.get(projectB, other.uuid()).isTrashed());
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.trashAll(projectA, List.of()));
        List<UUID> tooMany = java.util.stream.Stream.generate(UUID::randomUUID).limit(101).toList();
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.trashAll(projectA, tooMany));
    }

    @Test
    void metadataKeysAreSetAndRemovedWithinTheLimitsAndReported() {
        Upload u = upload(projectA, "", "m.txt", "meta".getBytes());
        assertEquals(Map.of("order_id", "42"), service.putMetadata(projectA, u.uuid(), "order_id", "42")
                .metadata().entries());
        service.putMetadata(projectA, u.uuid(), "order_id", "42");
        assertEquals(Map.of(), service.removeMetadata(projectA, u.uuid(), "order_id").metadata().entries());
        assertCode(ErrorCode.NOT_FOUND, () -> service.removeMetadata(projectA, u.uuid(), "order_id"));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.putMetadata(projectA, u.uuid(), "bad key", "v"));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.putMetadata(projectA, u.uuid(), "k", "x".repeat(513)));
        service.putMetadata(projectA, u.uuid(), "k", "x".repeat(512));
        String emoji = "\uD83D\uDE00".repeat(512); // 512 characters, 1,024 UTF-16 units
        assertEquals(emoji, service.putMetadata(projectA, u.uuid(), "k", emoji).metadata().entries().get("k"));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.putMetadata(projectA, u.uuid(), "k", emoji + "x"));
        Map<String, String> fifty = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        service.patch(projectA, u.uuid(), UploadPatch.none().withMetadata(new Metadata(fifty)));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.putMetadata(projectA, u.uuid(), "one-more", "v"));
        assertCode(ErrorCode.NOT_FOUND, () -> service.putMetadata(projectB, u.uuid(), "k", "v"));
        assertEquals(List.of(UploadEvent.COMPLETED, UploadEvent.METADATA_UPDATED, UploadEvent.METADATA_UPDATED,
                UploadEvent.METADATA_UPDATED, UploadEvent.METADATA_UPDATED, UploadEvent.METADATA_UPDATED),
                deliveredEvents().stream().map(UploadEvent::type).toList());
    }

    protected static void assertCode(ErrorCode code, Executable call) {
        assertEquals(code, assertThrows(UploadException.class, call).code());
    }
}
