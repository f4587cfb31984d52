package dev.uploadkit.core.catalog;

import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.uploadkit.core.testing.TestUploads.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link RemoteCopyJobs}: jobs round-trip, are found only in their project, are claimed by one
 * instance at a time, are taken over from an instance without heartbeats (counting an attempt), and are finished
 * only by the instance holding them.
 */
public abstract class AbstractRemoteCopyJobsContractTest extends CatalogTestSupport {

    private RemoteCopyJobs.Job job(int n, Instant created) {
        return new RemoteCopyJobs.Job(new UUID(0x02, n), project, new UUID(0x03, n), "storage-" + n, "backup/k" + n,
                n % 2 == 0, 1000L * n, RemoteCopyJobs.State.PENDING, 0, null, created, created);
    }

    private boolean is(java.util.function.Function<CatalogTransaction, Boolean> work) {
        return tx(work);
    }

    @Test
    void aJobRoundTripsAndIsFoundOnlyInItsProject() {
        RemoteCopyJobs.Job job = job(1, t(1));
        run(tx -> tx.remoteCopies().add(job));
        assertEquals(job, tx(tx -> tx.remoteCopies().find(project, job.id())).orElseThrow());
        assertTrue(tx(tx -> tx.remoteCopies().find(otherProject, job.id())).isEmpty());
        assertTrue(is(tx -> tx.remoteCopies().copiesTo("storage-1", "backup/k1")));
        assertFalse(is(tx -> tx.remoteCopies().copiesTo("storage-1", "backup/k2")));
        assertFalse(is(tx -> tx.remoteCopies().copiesTo("storage-2", "backup/k1")));
    }

    @Test
    void expiringDeletesOnlyFinishedJobsCreatedBeforeTheCutOldestFirst() {
        run(tx -> {
            for (int n = 1; n <= 4; n++) {
                tx.remoteCopies().add(job(n, t(n)));
            }
            tx.remoteCopies().add(job(5, t(50)));
            tx.instances().heartbeat("a", t(60));
        });
        List<RemoteCopyJobs.Job> claimed = tx(tx -> tx.remoteCopies().claim("a", t(0), t(60), 5));
        assertEquals(5, claimed.size());
        run(tx -> {
            tx.remoteCopies().finish(new UUID(0x02, 1), "a", RemoteCopyJobs.State.COMPLETED, 1, null, t(61));
            tx.remoteCopies().finish(new UUID(0x02, 2), "a", RemoteCopyJobs.State.FAILED, 0,
                    UploadError.fitted("STORAGE_ERROR", "no", "failed"), t(61));
            tx.remoteCopies().finish(new UUID(0x02, 3), "a", RemoteCopyJobs.State.COMPLETED, 3, null, t(61));
            tx.remoteCopies().finish(new UUID(0x02, 5), "a", RemoteCopyJobs.State.COMPLETED, 5, null, t(61));
        });
        assertEquals(2, (int) tx(tx -> tx.remoteCopies().expire(t(10), 2)), "a batch of at most the limit");
        assertTrue(tx(tx -> tx.remoteCopies().find(project, new UUID(0x02, 1))).isEmpty(), "oldest first");
        assertTrue(tx(tx -> tx.remoteCopies().find(project, new UUID(0x02, 2))).isEmpty(), "failed ones too");
        assertEquals(1, (int) tx(tx -> tx.remoteCopies().expire(t(10), 10)));
        assertEquals(0, (int) tx(tx -> tx.remoteCopies().expire(t(10), 10)));
        assertTrue(tx(tx -> tx.remoteCopies().find(project, new UUID(0x02, 4))).isPresent(), "still processing");
        assertTrue(tx(tx -> tx.remoteCopies().find(project, new UUID(0x02, 5))).isPresent(), "created after the cut");
    }

    @Test
    void oneInstanceClaimsAJobAndOnlyItFinishesIt() {
        run(tx -> {
            tx.remoteCopies().add(job(2, t(2)));
            tx.remoteCopies().add(job(1, t(1)));
            tx.instances().heartbeat("a", t(10));
            tx.instances().heartbeat("b", t(10));
        });
        List<RemoteCopyJobs.Job> claimed = tx(tx -> tx.remoteCopies().claim("a", t(5), t(10), 1));
        assertEquals(List.of(new UUID(0x02, 1)), claimed.stream().map(RemoteCopyJobs.Job::id).toList(), "oldest first");
        assertEquals(RemoteCopyJobs.State.PROCESSING, claimed.get(0).state());
        assertEquals(1, claimed.get(0).attempts());
        List<RemoteCopyJobs.Job> rest = tx(tx -> tx.remoteCopies().claim("b", t(5), t(10), 5));
        assertEquals(List.of(new UUID(0x02, 2)), rest.stream().map(RemoteCopyJobs.Job::id).toList());
        assertTrue(tx(tx -> tx.remoteCopies().claim("b", t(5), t(10), 5)).isEmpty(), "a live instance keeps its job");
        assertTrue(is(tx -> tx.remoteCopies().copiesTo("storage-1", "backup/k1")), "a running copy holds its key");

        UUID id = claimed.get(0).id();
        assertFalse(is(tx -> tx.remoteCopies().finish(id, "b", RemoteCopyJobs.State.COMPLETED, 7, null, t(11))));
        assertTrue(is(tx -> tx.remoteCopies().finish(id, "a", RemoteCopyJobs.State.COMPLETED, 7, null, t(11))));
        RemoteCopyJobs.Job done = tx(tx -> tx.remoteCopies().find(project, id)).orElseThrow();
        assertEquals(RemoteCopyJobs.State.COMPLETED, done.state());
        assertEquals(7, done.sizeBytes());
        assertNull(done.error());
        assertFalse(is(tx -> tx.remoteCopies().copiesTo("storage-1", "backup/k1")));

        UploadError error = UploadError.fitted("STORAGE_ERROR", "x".repeat(2000), "failed");
        assertTrue(is(tx -> tx.remoteCopies().finish(rest.get(0).id(), "b", RemoteCopyJobs.State.FAILED, 0, error,
                t(12))));
        RemoteCopyJobs.Job failed = tx(tx -> tx.remoteCopies().find(project, rest.get(0).id())).orElseThrow();
        assertEquals(RemoteCopyJobs.State.FAILED, failed.state());
        assertEquals("STORAGE_ERROR", failed.error().code());
        assertEquals(error, failed.error(), "a message of the longest length round-trips");
        assertTrue(tx(tx -> tx.remoteCopies().claim("b", t(5), t(20), 5)).isEmpty(), "finished jobs stay finished");
    }

    @Test
    void aJobOfAnInstanceWithoutHeartbeatsIsTakenOver() {
        run(tx -> {
            tx.remoteCopies().add(job(3, t(1)));
            tx.instances().heartbeat("dead", t(2));
        });
        UUID id = tx(tx -> tx.remoteCopies().claim("dead", t(1), t(2), 5)).get(0).id();
        run(tx -> tx.instances().heartbeat("alive", t(100)));
        assertTrue(tx(tx -> tx.remoteCopies().claim("alive", t(1), t(100), 5)).isEmpty(),
                "the holder's last heartbeat is recent enough");
        List<RemoteCopyJobs.Job> taken = tx(tx -> tx.remoteCopies().claim("alive", t(50), t(100), 5));
        assertEquals(1, taken.size());
        assertEquals(id, taken.get(0).id());
        assertEquals(2, taken.get(0).attempts());
        assertFalse(is(tx -> tx.remoteCopies().finish(id, "dead", RemoteCopyJobs.State.COMPLETED, 1, null, t(101))),
                "the old holder lost it");
        assertTrue(is(tx -> tx.remoteCopies().finish(id, "alive", RemoteCopyJobs.State.COMPLETED, 1, null, t(101))));
    }

    @Test
    void concurrentClaimsNeverShareAJob() throws Exception {
        run(tx -> {
            for (int i = 1; i <= 30; i++) {
                tx.remoteCopies().add(job(i, t(i)));
            }
        });
        List<List<UUID>> claims = runConcurrently(6, n -> {
            run(tx -> tx.instances().heartbeat("i" + n, t(100)));
            return tx(tx -> tx.remoteCopies().claim("i" + n, t(50), t(100), 10)).stream()
                    .map(RemoteCopyJobs.Job::id).toList();
        });
        List<UUID> all = claims.stream().flatMap(List::stream).toList();
        assertEquals(all.size(), all.stream().distinct().count(), "no job claimed twice");
    }
}
