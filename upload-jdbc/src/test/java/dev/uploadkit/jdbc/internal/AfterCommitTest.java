package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code CatalogTransaction.afterCommit} on every database: an action runs once the transaction committed (another
 * transaction already sees its writes), once however often it was registered, on the committing thread before
 * {@code inTransaction} returns; never after a rollback; and one that throws does not fail the committed call.
 */
class AfterCommitTest {
    private TestDatabase db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void runsOnceAfterTheCommitAndNeverAfterARollback(TestDatabases.Kind kind) {
        db = kind.open();
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread caller = Thread.currentThread();
        Runnable action = () -> seen.add("pending seen by another transaction: "
                + db.catalog().inTransaction(tx -> tx.events().countPending())
                + (Thread.currentThread() == caller ? ", on the caller's thread" : ", elsewhere"));

        String result = db.catalog().inTransaction(tx -> {
            tx.events().append(event(project));
            tx.afterCommit(action);
            tx.afterCommit(action);
            assertEquals(List.of(), seen, "nothing runs before the commit");
            return "committed";
        });
        assertEquals("committed", result);
        assertEquals(List.of("pending seen by another transaction: 1, on the caller's thread"), seen,
                "once, after the commit, before inTransaction returned");

        seen.clear();
        assertThrows(UploadException.class, () -> db.catalog().inTransaction(tx -> {
            tx.events().append(event(project));
            tx.afterCommit(action);
            throw new UploadException(ErrorCode.CONFLICT, "rolled back");
        }));
        assertEquals(List.of(), seen, "a rolled back transaction runs nothing");

        assertEquals(2L, (long) db.catalog().inTransaction(tx -> {
            tx.events().append(event(project));
            tx.afterCommit(() -> {
                throw new IllegalStateException("a failing action");
            });
            tx.afterCommit(action);
            return 2L;
        }), "an action that throws does not fail the committed call");
        assertEquals(List.of("pending seen by another transaction: 2, on the caller's thread"), seen,
                "and the actions after it still run");
    }

    private static UploadEvent event(UUID project) {
        return UploadEvent.ofStorage(UUID.randomUUID(), EventType.STORAGE_CONNECTED,
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                new StorageSummary(UUID.randomUUID(), project, "s", "s3", "b"));
    }
}
