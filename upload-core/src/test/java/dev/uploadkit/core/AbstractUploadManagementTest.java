package dev.uploadkit.core;

import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.testing.MutableClock;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Managing uploads: listing, changing, trash, permanent deletion, hash look-ups, project isolation. */
public abstract class AbstractUploadManagementTest extends UploadServiceTestBase {

    @Test
    void listsWithFiltersAndFollowsCursorsThroughEverySort() {
        List<Upload> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(upload(projectA, i % 2 == 0 ? "even" : "odd", "file-" + i + ".bin", TestContent.random(i, 100 + i)));
        }
        all.add(upload(projectA, "img", "pic.png", TestContent.png(2, 2)));

        assertEquals(4, service.list(projectA, UploadQuery.builder().folder("even").build(), PageRequest.first(100)).total());
        assertEquals(List.of("pic.png"), names(service.list(projectA,
                UploadQuery.builder().mimeType("image/*").build(), PageRequest.first(100))));
        assertEquals(List.of("file-3.bin"), names(service.list(projectA,
                UploadQuery.builder().search("LE-3").build(), PageRequest.first(100))));

        for (UploadQuery.Sort sort : UploadQuery.Sort.values()) {
            for (UploadQuery.Order order : UploadQuery.Order.values()) {
                UploadQuery q = UploadQuery.builder().sort(sort).order(order).build();
                List<UUID> seen = new ArrayList<>();
                String cursor = null;
                do {
                    Page<Upload> page = service.list(projectA, q, new PageRequest(1, 3, cursor));
                    assertEquals(8, page.total());
                    page.items().forEach(u -> seen.add(u.uuid()));
                    cursor = page.nextCursor();
                } while (cursor != null);
                Comparator<Upload> c = switch (sort) {
                    case CREATED_AT -> Comparator.comparing(Upload::createdAt);
                    case SIZE_BYTES -> Comparator.comparingLong(Upload::sizeBytes);
                    case FILENAME -> Comparator.comparing(Upload::filename);
                };
                c = c.thenComparing(Upload::uuid);
                List<UUID> expected = all.stream().sorted(order == UploadQuery.Order.ASC ? c : c.reversed())
                        .map(Upload::uuid).toList();
                assertEquals(expected, seen, sort + " " + order);
            }
        }
        Page<Upload> third = service.list(projectA, UploadQuery.live(), new PageRequest(3, 3, null));
        assertEquals(2, third.items().size());
        assertEquals(3, third.lastPage());
        assertNull(third.nextCursor());
    }

    @Test
    void patchChangesTheEntryNotTheBlobKey() {
        Upload u = upload(projectA, "in", "old.txt", "hello".getBytes());
        Upload p = service.patch(projectA, u.uuid(), UploadPatch.none().withFilename("Ünïcödé naïve.txt")
                .withFolder("/moved/here/").withPublic(true).withContentDisposition(ContentDisposition.INLINE)
                .withMetadata(new Metadata(Map.of("order_id", "42"))));
        assertEquals("Ünïcödé naïve.txt", p.filename());
        assertEquals("moved/here", p.folder());
        assertTrue(p.isPublic());
        assertEquals(ContentDisposition.INLINE, p.contentDisposition());
        assertEquals(Map.of("order_id", "42"), p.metadata().entries());
        assertEquals(u.objectKey(), p.objectKey());
        assertEquals(p, service.get(projectA, u.uuid()));
        assertEquals(List.of(UploadEvent.COMPLETED, UploadEvent.METADATA_UPDATED),
                deliveredEvents().stream().map(UploadEvent::type).toList());

        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.patch(projectA, u.uuid(),
                UploadPatch.none().withFilename("../etc/passwd")));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> new Metadata(Map.of("bad key", "v")));
        assertCode(ErrorCode.NOT_FOUND, () -> service.patch(projectB, u.uuid(), UploadPatch.none().withPublic(false)));
    }

    @Test
    void trashAndRestore() {
        Upload u = upload(projectA, "", "t.txt", "trash me".getBytes());
        Upload trashed = service.trash(projectA, u.uuid());
        assertNotNull(trashed.deletedAt());
        assertEquals(0, service.list(projectA, UploadQuery.live(), PageRequest.first(10)).total());
        assertEquals(List.of(u.uuid()), service.list(projectA, UploadQuery.trashed(), PageRequest.first(10))
                .items().stream().map(Upload::uuid).toList());
        assertCode(ErrorCode.CONFLICT, () -> service.trash(projectA, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.open(projectA, u.uuid(), Optional.empty()));

        Upload restored = service.restore(projectA, u.uuid());
        assertNull(restored.deletedAt());
        assertCode(ErrorCode.CONFLICT, () -> service.restore(projectA, u.uuid()));
        assertEquals(List.of(UploadEvent.COMPLETED, UploadEvent.DELETED, UploadEvent.RESTORED),
                deliveredEvents().stream().map(UploadEvent::type).toList());
        assertFalse(deliveredEvents().get(1).permanent(), "moved to the trash, not gone");
    }

    @Test
    void forceDeleteIsFinal() {
        Upload u = upload(projectA, "", "gone.txt", "bye".getBytes());
        service.forceDelete(projectA, u.uuid());
        assertCode(ErrorCode.NOT_FOUND, () -> service.get(projectA, u.uuid()));
        assertCode(ErrorCode.CONFLICT, () -> service.restore(projectA, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.forceDelete(projectA, u.uuid()));
        assertNothingLeft(projectA);
    }

    @Test
    void restoringAFileDeletedForGoodIsAConflictForThirtyDays() {
        MutableClock clock = new MutableClock(Instant.now());
        try (UploadService s = rebuild(b -> b.clock(clock))) {
            Upload forced = upload(s, "forced.txt");
            Upload emptied = upload(s, "emptied.txt");
            Upload aged = upload(s, "aged.txt");
            UploadRequest notStored = new UploadRequest(projectA, "unstored.txt", "", false,
                    ContentDisposition.ATTACHMENT, Metadata.EMPTY, null, false, null);
            Upload unstored = s.upload(notStored, new ByteArrayInputStream("u".getBytes()));
            s.forceDelete(projectA, forced.uuid());
            s.trash(projectA, emptied.uuid());
            assertEquals(1, s.emptyTrash(projectA).deleted());
            s.trash(projectA, aged.uuid());

            assertGoneForGood(s, forced.uuid());
            assertGoneForGood(s, emptied.uuid());
            assertCode(ErrorCode.NOT_FOUND, () -> s.restore(projectA, UUID.randomUUID()), "never existed");

            clock.advance(Duration.ofHours(25));
            assertEquals(1, s.removeUnstored(Duration.ofHours(24)));
            assertGoneForGood(s, unstored.uuid());

            clock.advance(Duration.ofDays(30));
            assertEquals(1, s.purgeTrash(Duration.ofDays(30)).deleted());
            assertGoneForGood(s, aged.uuid());
            assertGoneForGood(s, unstored.uuid());
            // The purge job also forgot the deletions of over 30 days ago.
            assertCode(ErrorCode.NOT_FOUND, () -> s.restore(projectA, forced.uuid()), "forgotten");
            assertCode(ErrorCode.NOT_FOUND, () -> s.restore(projectA, emptied.uuid()), "forgotten");
        }
    }

    /** Restore says the file is gone for good; everything else, and another project, says it does not exist. */
    private void assertGoneForGood(UploadService s, UUID uuid) {
        assertCode(ErrorCode.CONFLICT, () -> s.restore(projectA, uuid));
        assertCode(ErrorCode.NOT_FOUND, () -> s.restore(projectB, uuid), "another project's");
        assertCode(ErrorCode.NOT_FOUND, () -> s.get(projectA, uuid));
        assertCode(ErrorCode.NOT_FOUND, () -> s.patch(projectA, uuid, UploadPatch.none().withPublic(true)));
        assertCode(ErrorCode.NOT_FOUND, () -> s.open(projectA, uuid, Optional.empty()));
        assertCode(ErrorCode.NOT_FOUND, () -> s.trash(projectA, uuid));
        assertCode(ErrorCode.NOT_FOUND, () -> s.forceDelete(projectA, uuid));
        assertCode(ErrorCode.NOT_FOUND, () -> s.copy(projectA, uuid, CopyRequest.same()));
    }

    private Upload upload(UploadService s, String filename) {
        return s.upload(UploadRequest.of(projectA, filename), new ByteArrayInputStream(filename.getBytes()));
    }

    @Test
    void findsByHashInAnyAcceptedForm() {
        byte[] bytes = "find me".getBytes();
        Upload u = upload(projectA, "", "f.txt", bytes);
        String hex = TestContent.sha256(bytes);
        assertEquals(Optional.of(u.uuid()), service.findByHash(projectA, hex).map(Upload::uuid));
        assertEquals(Optional.of(u.uuid()), service.findByHash(projectA, "sha256:" + hex.toUpperCase()).map(Upload::uuid));
        assertEquals(Optional.empty(), service.findByHash(projectB, hex));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.findByHash(projectA, "abc"));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> service.findByHash(projectA, "md5:" + hex));
        service.trash(projectA, u.uuid());
        assertEquals(Optional.empty(), service.findByHash(projectA, hex));
    }

    @Test
    void anotherProjectSeesNothing() {
        Upload u = upload(projectA, "", "secret.txt", "secret".getBytes());
        assertCode(ErrorCode.NOT_FOUND, () -> service.get(projectB, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.trash(projectB, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.restore(projectB, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.forceDelete(projectB, u.uuid()));
        assertCode(ErrorCode.NOT_FOUND, () -> service.open(projectB, u.uuid(), Optional.empty()));
        assertEquals(0, service.list(projectB, UploadQuery.builder().view(UploadQuery.View.ALL).build(),
                PageRequest.first(10)).total());
        assertEquals(0, service.emptyTrash(projectB).deleted());
        assertEquals(0, service.dedupStats(projectB).totalFiles());
        assertFalse(service.get(projectA, u.uuid()).isTrashed());
    }

    private static List<String> names(Page<Upload> page) {
        return page.items().stream().map(Upload::filename).toList();
    }

    protected static void assertCode(ErrorCode code, Executable call) {
        assertEquals(code, assertThrows(UploadException.class, call).code());
    }

    private static void assertCode(ErrorCode code, Executable call, String what) {
        assertEquals(code, assertThrows(UploadException.class, call, what).code(), what);
    }
}
