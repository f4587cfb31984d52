package dev.uploadkit.core.catalog;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link PurgedUploads}: a tombstone is seen only by its project, commits or rolls back with the
 * deletion that writes it, and expires oldest first, in batches, strictly before the given time.
 */
public abstract class AbstractPurgedUploadsContractTest extends CatalogTestSupport {

    private int expire(Instant before, int limit) {
        return tx(tx -> tx.purged().expire(before, limit));
    }

    private boolean purged(UUID projectId, UUID uuid) {
        return tx(tx -> tx.purged().contains(projectId, uuid));
    }

    @Test
    void aTombstoneWrittenWithTheDeletionIsSeenOnlyByItsProject() {
        Upload u = insert(upload(project).build());
        assertFalse(purged(project, u.uuid()), "a live upload has no tombstone");

        run(tx -> {
            assertTrue(tx.uploads().delete(project, u.uuid()));
            tx.purged().add(project, u.uuid(), t(5));
        });

        assertTrue(find(project, u.uuid()).isEmpty());
        assertTrue(purged(project, u.uuid()));
        assertFalse(purged(otherProject, u.uuid()), "another project's tombstone is invisible");
        assertFalse(purged(project, UUID.randomUUID()));
    }

    @Test
    void aRolledBackDeletionLeavesNoTombstone() {
        Upload u = insert(upload(project).build());
        assertCode(ErrorCode.CONFLICT, () -> run(tx -> {
            tx.uploads().delete(project, u.uuid());
            tx.purged().add(project, u.uuid(), t(5));
            throw new UploadException(ErrorCode.CONFLICT, "roll back");
        }));
        assertFalse(purged(project, u.uuid()));
        assertTrue(find(project, u.uuid()).isPresent());
    }

    @Test
    void expiresOldestFirstInBatchesStrictlyBeforeTheCutOff() {
        UUID[] uuids = new UUID[5];
        for (int i = 0; i < uuids.length; i++) {
            uuids[i] = new UUID(0x0f, i);
        }
        run(tx -> {
            // Written out of time order, in both projects.
            tx.purged().add(project, uuids[3], t(30));
            tx.purged().add(otherProject, uuids[0], t(0));
            tx.purged().add(project, uuids[2], t(20));
            tx.purged().add(project, uuids[1], t(10));
            tx.purged().add(otherProject, uuids[4], t(40));
        });

        assertEquals(2, expire(t(30), 2), "a batch stops at the limit");
        assertFalse(purged(otherProject, uuids[0]));
        assertFalse(purged(project, uuids[1]));
        assertTrue(purged(project, uuids[2]), "the oldest go first");

        assertEquals(1, expire(t(30), 2), "one recorded exactly at the cut-off stays");
        assertFalse(purged(project, uuids[2]));
        assertTrue(purged(project, uuids[3]));
        assertTrue(purged(otherProject, uuids[4]));
        assertEquals(0, expire(t(30), 2));

        assertEquals(2, expire(t(41), 100));
        assertFalse(purged(project, uuids[3]));
        assertFalse(purged(otherProject, uuids[4]));
    }

    @Test
    void deletingAProjectDeletesItsTombstones() {
        UUID gone = new UUID(0x0e, 1);
        UUID kept = new UUID(0x0e, 2);
        run(tx -> {
            tx.purged().add(otherProject, gone, t(1));
            tx.purged().add(project, kept, t(1));
        });
        assertTrue(projects.deleteProject(otherProject));
        assertFalse(purged(otherProject, gone));
        assertTrue(purged(project, kept));
    }
}
