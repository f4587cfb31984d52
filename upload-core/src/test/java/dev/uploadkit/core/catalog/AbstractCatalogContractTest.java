package dev.uploadkit.core.catalog;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.uploadkit.core.testing.TestUploads.sha;
import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link Catalog} and {@link UploadRecords}: transactions, record round trips, project isolation,
 * locking, and keyset-paged lists. Each implementation runs it by subclassing and supplying a fresh catalog per
 * test; {@link AbstractDedupIndexContractTest} and {@link dev.uploadkit.core.auth.AbstractProjectStoreContractTest}
 * cover the other catalog-side SPIs.
 */
public abstract class AbstractCatalogContractTest extends CatalogTestSupport {
    @Test
    void committedWorkIsVisibleToLaterTransactions() {
        Upload upload = insert(upload(project).build());
        assertEquals(Optional.of(upload), find(project, upload.uuid()));
    }

    @Test
    void anUploadExceptionRollsBackAndPassesThroughUnchanged() {
        Upload upload = upload(project).build();
        UploadException thrown = new UploadException(ErrorCode.CONFLICT, "refused");
        assertSame(thrown, assertThrows(UploadException.class, () -> run(t -> {
            t.uploads().insert(upload);
            throw thrown;
        })));
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> run(t -> {
            t.uploads().insert(upload);
            throw bug;
        })));
        assertEquals(Optional.empty(), find(project, upload.uuid()));
    }

    @Test
    void databaseFailuresSurfaceAsUploadExceptions() {
        assertCode(ErrorCode.INTERNAL_ERROR, () -> insert(upload(UUID.randomUUID()).build()));
        Upload upload = insert(upload(project).build());
        assertCode(ErrorCode.CONFLICT, () -> insert(upload.toBuilder().filename("again.bin").build()));
    }

    @Test
    void aClosedCatalogIsUnavailable() {
        fixture.close();
        assertCode(ErrorCode.SERVICE_UNAVAILABLE, () -> find(project, UUID.randomUUID()));
        assertCode(ErrorCode.SERVICE_UNAVAILABLE, () -> projects.findProject(project));
    }

    @Test
    void everyFieldRoundTrips() {
        Blob blob = storedBlob(project, "default", "docs/Grüße \"report\".pdf", sha(1), 1234);
        Metadata metadata = new Metadata(Map.of("order_id", "42", "quote", "say \"hi\" \\ back\\slash 'single'",
                "unicode", "Grüße 日本 😀\n\ttab", "empty", "", "json", "{\"a\":[1,2]}"));
        Upload upload = insert(upload(project).filename("Grüße 😀 \"q\" 'x' %_.pdf").folder("docs/2025 Ä")
                .blobId(blob.id()).objectKey(blob.objectKey()).sizeBytes(1234).mimeType("application/pdf")
                .sha256(sha(1)).isPublic(true).contentDisposition(ContentDisposition.INLINE)
                .status(UploadStatus.PROCESSING).storageId("default").isStored(false).metadata(metadata)
                .sourceUrl("https://example.com/Grüße%20report.pdf?x=1&y=2")
                .contentInfo(new ContentInfo("image/png", new ContentInfo.ImageInfo(800, 600))).deduplicated(true)
                .uploadTimeMs(150).createdAt(t(1)).updatedAt(t(2)).deletedAt(t(3)).build());
        assertEquals(Optional.of(upload), find(project, upload.uuid()));
        Upload plain = insert(upload(project).mimeType(null).contentInfo(new ContentInfo("text/plain", null)).build());
        assertEquals(Optional.of(plain), find(project, plain.uuid()));
        Upload bare = insert(upload(project).contentInfo(null).build());
        assertEquals(Optional.of(bare), find(project, bare.uuid()));
        assertNull(bare.error());
    }

    @Test
    void theErrorOfAFailedUploadRoundTrips() {
        UploadError long1024 = new UploadError("SOURCE_UNREACHABLE", "Grüße 😀 \"quoted\" 'x' "
                + "m".repeat(UploadError.MAX_MESSAGE_LENGTH - 22));
        Upload failed = insert(upload(project).status(UploadStatus.FAILED).error(long1024).build());
        assertEquals(Optional.of(failed), find(project, failed.uuid()));
        Upload longCode = insert(upload(project).status(UploadStatus.CANCELLED)
                .error(new UploadError("C".repeat(UploadError.MAX_CODE_LENGTH), "Cancelled.")).build());
        assertEquals(Optional.of(longCode), find(project, longCode.uuid()));

        Upload processing = insert(upload(project).status(UploadStatus.PROCESSING).build());
        Upload interrupted = processing.toBuilder().status(UploadStatus.FAILED).error(UploadError.interrupted())
                .updatedAt(t(2)).build();
        assertTrue(update(interrupted));
        assertEquals(Optional.of(interrupted), find(project, processing.uuid()));
        Upload cleared = interrupted.toBuilder().status(UploadStatus.PENDING).error(null).updatedAt(t(3)).build();
        assertTrue(update(cleared));
        assertEquals(Optional.of(cleared), find(project, processing.uuid()));
    }

    @Test
    void timestampsRoundTripExactly() {
        for (String text : List.of("1970-01-01T00:00:00.000001Z", "1901-12-13T20:45:51.999999Z",
                "1999-12-31T23:59:59.999999Z", "2025-03-30T01:30:00.500000Z", "2025-10-26T01:30:00.000001Z",
                "2038-01-19T03:14:08.000001Z", "2262-04-11T23:47:16.854775Z", "9999-12-31T23:59:59.999999Z")) {
            Instant instant = Instant.parse(text);
            Upload upload = insert(upload(project).createdAt(instant).updatedAt(instant).deletedAt(instant).build());
            assertEquals(Optional.of(upload), find(project, upload.uuid()), text);
        }
    }

    @Test
    void updateReplacesTheMutableFieldsOnly() {
        Upload original = insert(upload(project).build());
        Blob blob = storedBlob(project, "other", "k.txt", sha(2), 9);
        Upload changed = original.toBuilder().filename("new.txt").folder("a/b").blobId(blob.id())
                .objectKey(blob.objectKey()).sizeBytes(9).mimeType("text/plain").sha256(sha(2)).isPublic(true)
                .contentDisposition(ContentDisposition.INLINE).status(UploadStatus.FAILED).storageId("other")
                .isStored(false).metadata(new Metadata(Map.of("k", "v"))).contentInfo(new ContentInfo("text/plain", null))
                .deduplicated(true).uploadTimeMs(7).updatedAt(t(5)).deletedAt(t(6))
                .error(new UploadError("FILE_TOO_LARGE", "Too large.")).build();
        assertTrue(update(changed.toBuilder().createdAt(t(99)).build()));
        assertEquals(Optional.of(changed), find(project, original.uuid()));
        assertTrue(update(changed), "an update that changes nothing still finds its record");
    }

    @Test
    void completeProcessingChangesOnlyALiveProcessingRecord() {
        Upload processing = insert(upload(project).status(UploadStatus.PROCESSING).build());
        Blob blob = storedBlob(project, "default", "done.bin", sha(3), 5);
        Upload completed = processing.toBuilder().status(UploadStatus.COMPLETED).blobId(blob.id())
                .objectKey(blob.objectKey()).sizeBytes(5).sha256(sha(3)).filename("done.bin").updatedAt(t(2)).build();
        assertTrue(completeProcessing(completed));
        assertEquals(Optional.of(completed), find(project, processing.uuid()));
        assertNull(find(project, processing.uuid()).orElseThrow().error());
        assertFalse(completeProcessing(completed), "no longer processing");

        Upload trashed = insert(upload(project).status(UploadStatus.PROCESSING).deletedAt(t(1)).build());
        assertFalse(completeProcessing(trashed.toBuilder().status(UploadStatus.COMPLETED)
                .deletedAt(null).build()));
        assertEquals(Optional.of(trashed), find(project, trashed.uuid()));
        assertFalse(completeProcessing(upload(project).build()), "no such record");
        Upload other = insert(upload(otherProject).status(UploadStatus.PROCESSING).build());
        assertFalse(completeProcessing(other.toBuilder().projectId(project).build()));
    }

    private boolean completeProcessing(Upload upload) {
        Boolean done = tx(t -> t.uploads().completeProcessing(upload));
        return done;
    }

    @Test
    void anotherProjectCanNeitherSeeNorChangeAnUpload() {
        Blob blob = storedBlob(project, "default", "mine.bin", sha(4), 10);
        Upload live = insert(upload(project).sha256(sha(4)).blobId(blob.id()).objectKey(blob.objectKey()).build());
        Upload trashed = insert(upload(project).deletedAt(t(1)).build());
        run(t -> {
            assertEquals(Optional.empty(), t.uploads().find(otherProject, live.uuid()));
            assertEquals(Optional.empty(), t.uploads().lock(otherProject, live.uuid()));
            assertEquals(0, t.uploads().list(otherProject, UploadQuery.builder().view(UploadQuery.View.ALL).build(),
                    PageRequest.first(10)).total());
            assertEquals(List.of(), t.uploads().lockTrashed(otherProject, 10));
            assertEquals(Optional.empty(), t.uploads().findByHash(otherProject, sha(4)));
            assertEquals(Optional.empty(), t.blobs().findStored(otherProject, "default", sha(4)));
            assertEquals(new DedupStats(0, 0, 0, 0), t.blobs().stats(otherProject));
            assertFalse(t.uploads().update(live.toBuilder().projectId(otherProject).filename("stolen.bin").build()));
            assertFalse(t.uploads().delete(otherProject, trashed.uuid()));
        });
        assertEquals(Optional.of(live), find(project, live.uuid()));
        assertEquals(Optional.of(trashed), find(project, trashed.uuid()));
    }

    @Test
    void deleteRemovesTheRecordForGood() {
        Upload upload = insert(upload(project).build());
        assertTrue(delete(project, upload.uuid()));
        assertFalse(delete(project, upload.uuid()));
        assertEquals(Optional.empty(), find(project, upload.uuid()));
        assertFalse(update(upload));
    }

    @Test
    void lockSerializesReadModifyWrite() throws Exception {
        Upload upload = insert(upload(project).uploadTimeMs(0).build());
        assertEquals(Optional.of(upload), tx(t -> t.uploads().lock(project, upload.uuid())));
        runConcurrently(8, n -> {
            for (int i = 0; i < 5; i++) {
                run(t -> {
                    Upload current = t.uploads().lock(project, upload.uuid()).orElseThrow();
                    t.uploads().update(current.toBuilder().uploadTimeMs(current.uploadTimeMs() + 1).build());
                });
            }
            return null;
        });
        assertEquals(40, find(project, upload.uuid()).orElseThrow().uploadTimeMs());
    }

    @Test
    void findByHashReturnsTheNewestLiveCompletedUpload() {
        String hash = sha(5);
        insert(upload(project).sha256(hash).createdAt(t(1)).build());
        Upload newest = insert(upload(project).sha256(hash).createdAt(t(2)).build());
        insert(upload(project).sha256(hash).createdAt(t(3)).deletedAt(t(4)).build());
        insert(upload(project).sha256(hash).createdAt(t(5)).status(UploadStatus.PROCESSING).build());
        insert(upload(otherProject).sha256(hash).createdAt(t(6)).build());
        assertEquals(Optional.of(newest), tx(t -> t.uploads().findByHash(project, hash)));
        assertEquals(Optional.empty(), tx(t -> t.uploads().findByHash(project, sha(6))));
    }

    @Test
    void lockTrashedReturnsTheOldestTrashFirst() {
        Upload a = insert(upload(project).createdAt(t(1)).deletedAt(t(30)).build());
        Upload b = insert(upload(project).createdAt(t(2)).deletedAt(t(10)).build());
        Upload c = insert(upload(project).createdAt(t(3)).deletedAt(t(20)).build());
        insert(upload(project).build());
        insert(upload(otherProject).deletedAt(t(0)).build());
        assertEquals(List.of(b, c), tx(t -> t.uploads().lockTrashed(project, 2)));
        assertEquals(List.of(b, c, a), tx(t -> t.uploads().lockTrashed(project, 10)));
    }

    static Stream<Arguments> sorts() {
        return Arrays.stream(UploadQuery.Sort.values())
                .flatMap(sort -> Arrays.stream(UploadQuery.Order.values()).map(order -> Arguments.of(sort, order)));
    }

    @ParameterizedTest
    @MethodSource("sorts")
    void cursorPagesWalkEveryItemInOrderAndMatchNumberedPages(UploadQuery.Sort sort, UploadQuery.Order order) {
        // Ties in every sort column; names whose code-point order differs from case-insensitive order.
        List<String> names = List.of("b.txt", "B.txt", "a.txt", "Z.txt", "a-1.txt", "ä.txt", "_x.txt");
        List<Upload> live = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            live.add(insert(upload(project).filename(names.get(i % names.size())).sizeBytes(i % 4 * 100L)
                    .createdAt(t(i % 6 * 1000L)).build()));
        }
        insert(upload(project).deletedAt(t(1)).build());
        insert(upload(otherProject).build());
        Comparator<Upload> bySort = switch (sort) {
            case CREATED_AT -> Comparator.comparing(Upload::createdAt);
            case SIZE_BYTES -> Comparator.comparingLong(Upload::sizeBytes);
            case FILENAME -> Comparator.comparing(Upload::filename);
        };
        Comparator<Upload> expectedOrder = bySort.thenComparing(u -> u.uuid().toString());
        List<Upload> expected = live.stream()
                .sorted(order == UploadQuery.Order.ASC ? expectedOrder : expectedOrder.reversed()).toList();

        UploadQuery query = UploadQuery.builder().sort(sort).order(order).build();
        List<Upload> walked = new ArrayList<>();
        String cursor = null;
        int pageNumber = 0;
        do {
            pageNumber++;
            Page<Upload> byCursor = list(query, new PageRequest(pageNumber, 5, cursor));
            Page<Upload> byNumber = list(query, new PageRequest(pageNumber, 5, null));
            assertEquals(byNumber.items(), byCursor.items(), "page " + pageNumber);
            assertEquals(byNumber.nextCursor(), byCursor.nextCursor());
            assertEquals(23, byCursor.total());
            walked.addAll(byCursor.items());
            cursor = byCursor.nextCursor();
        } while (cursor != null);
        assertEquals(5, pageNumber);
        assertEquals(expected, walked);
    }

    @Test
    void cursorPagingHonoursFiltersAndViews() {
        List<Upload> wanted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            wanted.add(insert(upload(project).folder("a").sizeBytes(i).deletedAt(t(i)).build()));
            insert(upload(project).folder("b").sizeBytes(i).deletedAt(t(i)).build());
            insert(upload(project).folder("a").sizeBytes(i).build());
        }
        UploadQuery query = UploadQuery.builder().view(UploadQuery.View.TRASHED).folder("a")
                .sort(UploadQuery.Sort.SIZE_BYTES).order(UploadQuery.Order.ASC).build();
        List<Upload> walked = new ArrayList<>();
        Page<Upload> page = list(query, PageRequest.first(5));
        walked.addAll(page.items());
        while (page.nextCursor() != null) {
            page = list(query, new PageRequest(page.currentPage() + 1, 5, page.nextCursor()));
            assertEquals(12, page.total());
            walked.addAll(page.items());
        }
        assertEquals(wanted, walked);
    }

    @ParameterizedTest
    @EnumSource(UploadQuery.Order.class)
    void folderPagesByCreationTimeWalkTheFolderInOrderInBothViews(UploadQuery.Order order) {
        // The folder's own index serves this shape: ties in created_at, other folders, the other view and another
        // project interleaved with it.
        List<Upload> live = new ArrayList<>();
        List<Upload> trashed = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            live.add(insert(upload(project).folder("f").createdAt(t(i / 3 * 1000L)).build()));
            trashed.add(insert(upload(project).folder("f").createdAt(t(i / 2 * 1000L)).deletedAt(t(1)).build()));
            insert(upload(project).folder(i % 2 == 0 ? "e" : "g").createdAt(t(i / 3 * 1000L)).build());
            insert(upload(otherProject).folder("f").createdAt(t(i / 3 * 1000L)).build());
        }
        Comparator<Upload> byCreated = Comparator.comparing(Upload::createdAt).thenComparing(u -> u.uuid().toString());
        Comparator<Upload> expectedOrder = order == UploadQuery.Order.ASC ? byCreated : byCreated.reversed();
        for (UploadQuery.View view : List.of(UploadQuery.View.LIVE, UploadQuery.View.TRASHED)) {
            List<Upload> expected = (view == UploadQuery.View.LIVE ? live : trashed).stream().sorted(expectedOrder)
                    .toList();
            UploadQuery query = UploadQuery.builder().view(view).folder("f").order(order).build();
            List<Upload> byCursor = new ArrayList<>();
            List<Upload> byNumber = new ArrayList<>();
            String cursor = null;
            int pageNumber = 0;
            do {
                pageNumber++;
                Page<Upload> page = list(query, new PageRequest(pageNumber, 4, cursor));
                byCursor.addAll(page.items());
                byNumber.addAll(list(query, new PageRequest(pageNumber, 4, null)).items());
                assertEquals(14, page.total());
                cursor = page.nextCursor();
            } while (cursor != null);
            assertEquals(4, pageNumber, view.name());
            assertEquals(expected, byCursor, view.name());
            assertEquals(expected, byNumber, view.name());
        }
    }

    @Test
    void aCursorIsRejectedByAnotherSortOrOrder() {
        for (int i = 0; i < 3; i++) {
            insert(upload(project).build());
        }
        String cursor = list(UploadQuery.live(), PageRequest.first(1)).nextCursor();
        UploadQuery bySize = UploadQuery.builder().sort(UploadQuery.Sort.SIZE_BYTES).build();
        assertCode(ErrorCode.VALIDATION_ERROR, () -> list(bySize, new PageRequest(2, 1, cursor)));
        UploadQuery ascending = UploadQuery.builder().order(UploadQuery.Order.ASC).build();
        assertCode(ErrorCode.VALIDATION_ERROR, () -> list(ascending, new PageRequest(2, 1, cursor)));
        assertCode(ErrorCode.VALIDATION_ERROR, () -> list(UploadQuery.live(), new PageRequest(2, 1, "not a cursor")));
    }

    @Test
    void emptyAndPastTheEndPagesHaveNoItemsAndNoCursor() {
        Page<Upload> empty = list(UploadQuery.live(), PageRequest.first(10));
        assertEquals(List.of(), empty.items());
        assertEquals(0, empty.total());
        assertNull(empty.nextCursor());
        for (int i = 0; i < 3; i++) {
            insert(upload(project).build());
        }
        Page<Upload> beyond = list(UploadQuery.live(), new PageRequest(2, 5, null));
        assertEquals(List.of(), beyond.items());
        assertEquals(3, beyond.total());
        assertNull(beyond.nextCursor());
        assertNull(list(UploadQuery.live(), PageRequest.first(3)).nextCursor());
    }

    @Test
    void filtersSelectExactlyTheMatchingUploads() {
        Upload photo = insert(upload(project).filename("Photo.JPG").folder("pics").mimeType("image/jpeg")
                .isPublic(true).createdAt(t(10)).build());
        Upload diagram = insert(upload(project).filename("diagram.png").folder("pics/sub").mimeType("image/png")
                .status(UploadStatus.PROCESSING).createdAt(t(20)).build());
        Upload done = insert(upload(project).filename("100%_done!.pdf").mimeType("application/pdf").isStored(false)
                .createdAt(t(30)).build());
        Upload almost = insert(upload(project).filename("100a done.txt").mimeType("text/plain").createdAt(t(40)).build());
        Upload lookalike = insert(upload(project).filename("ÜBER.bin").mimeType("imagex/foo").createdAt(t(50)).build());
        insert(upload(otherProject).filename("Photo.JPG").folder("pics").mimeType("image/jpeg").isPublic(true)
                .createdAt(t(10)).build());

        assertListed(q -> q.folder("pics"), photo);
        assertListed(q -> q.folder(""), done, almost, lookalike);
        assertListed(q -> q.mimeType("image/*"), photo, diagram);
        assertListed(q -> q.mimeType("image/png"), diagram);
        assertListed(q -> q.isPublic(true), photo);
        assertListed(q -> q.isPublic(false), diagram, done, almost, lookalike);
        assertListed(q -> q.status(UploadStatus.PROCESSING), diagram);
        assertListed(q -> q.isStored(false), done);
        assertListed(q -> q.search("photo.jpg"), photo);
        assertListed(q -> q.search("über"), lookalike);
        assertListed(q -> q.search("%_"), done);
        assertListed(q -> q.search("0%"), done);
        assertListed(q -> q.search("!"), done);
        assertListed(q -> q.search("a d"), almost);
        assertListed(q -> q.createdFrom(t(20)), diagram, done, almost, lookalike);
        assertListed(q -> q.createdTo(t(20)), photo);
        assertListed(q -> q.createdFrom(t(20)).createdTo(t(40)), diagram, done);
        assertListed(q -> q.mimeType("image/*").isPublic(false), diagram);
    }

    @Test
    void viewsSeparateLiveAndTrashedUploads() {
        Upload first = insert(upload(project).createdAt(t(1)).build());
        Upload trashed = insert(upload(project).createdAt(t(2)).deletedAt(t(5)).build());
        Upload last = insert(upload(project).createdAt(t(3)).build());
        assertListed(q -> q.view(UploadQuery.View.LIVE), first, last);
        assertListed(q -> q.view(UploadQuery.View.TRASHED), trashed);
        assertListed(q -> q.view(UploadQuery.View.ALL), first, trashed, last);
    }

    private void assertListed(Consumer<UploadQuery.Builder> filters, Upload... expected) {
        UploadQuery.Builder builder = UploadQuery.builder().sort(UploadQuery.Sort.CREATED_AT).order(UploadQuery.Order.ASC);
        filters.accept(builder);
        Page<Upload> page = list(builder.build(), PageRequest.first(100));
        assertEquals(List.of(expected), page.items());
        assertEquals(expected.length, page.total());
    }
}
