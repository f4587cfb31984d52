package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Runs units of work in READ COMMITTED transactions and keeps database failures inside the adapter. */
public final class Transactor {
    private static final Logger LOG = LoggerFactory.getLogger(Transactor.class);
    private static final int MAX_ATTEMPTS = 5;
    private final Jdbi jdbi;
    private final Vendor vendor;
    private final boolean setIsolation;
    private final BooleanSupplier closed;
    private final Durability durability;

    /**
     * @param setIsolation whether each transaction must switch to READ COMMITTED because the connections
     *     default to another level (MariaDB's REPEATABLE READ)
     * @param closed tells whether the owner has been closed
     */
    public Transactor(Jdbi jdbi, Vendor vendor, boolean setIsolation, BooleanSupplier closed, Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability");
        Durability.track(jdbi);
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.vendor = Objects.requireNonNull(vendor, "vendor");
        this.setIsolation = setIsolation;
        this.closed = Objects.requireNonNull(closed, "closed");
    }

    public Vendor vendor() {
        return vendor;
    }

    /**
     * Runs {@code work} in one transaction. An exception thrown by {@code work} rolls back and passes through
     * unchanged; failures of the database become {@link UploadException}s. A transaction that wrote returns only
     * once its changes are durable (see {@link Durability}). A transaction the database rolled
     * back as a deadlock victim or serialization failure runs again, a few times, so {@code work} must touch
     * nothing but the transaction. Once committed and durable, the actions the successful run registered with
     * {@link Tx#afterCommit} run, in order, on this thread.
     */
    <T> T inTransaction(Function<Tx, T> work) {
        if (closed.getAsBoolean()) {
            throw closedException(null);
        }
        Tx[] committed = new Tx[1];
        boolean[] entered = new boolean[1];
        HandleCallback<T, RuntimeException> callback = handle -> {
            durability.enter();
            entered[0] = true;
            Tx tx = new Tx(handle, vendor);
            committed[0] = tx;
            try {
                T result = work.apply(tx);
                tx.beforeCommit();
                return result;
            } finally {
                tx.end();
            }
        };
        for (int attempt = 1; ; attempt++) {
            try {
                boolean enclosingWrote = Durability.begin();
                T result;
                boolean ended = false;
                try {
                    result = setIsolation
                            ? jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, callback)
                            : jdbi.inTransaction(callback);
                    ended = true;
                } finally {
                    boolean wrote = Durability.end(enclosingWrote);
                    if (entered[0]) {
                        entered[0] = false;
                        durability.leave(ended && wrote); // when it committed writes: returns once durable
                    }
                }
                runAfterCommit(committed[0]);
                return result;
            } catch (RuntimeException e) {
                if (attempt < MAX_ATTEMPTS && !closed.getAsBoolean() && isRolledBack(e)) {
                    // The database chose this transaction as a deadlock victim and undid all of it, so running
                    // the work again is safe. InnoDB does this when several transactions race on one unique
                    // key (each holds a shared lock on the duplicate entry and wants an exclusive one).
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000L << attempt));
                    continue;
                }
                if (e instanceof JdbiException) {
                    throw closed.getAsBoolean() ? closedException(e) : SqlErrors.translate(e);
                }
                throw e;
            }
        }
    }

    private static void runAfterCommit(Tx tx) {
        if (tx == null) {
            return;
        }
        for (Runnable action : tx.afterCommitActions()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("An action after a commit failed; the commit stands", e);
            }
        }
    }

    private static boolean isRolledBack(RuntimeException e) {
        return SqlErrors.sqlCause(e).map(SQLException::getSQLState)
                .filter(state -> state.equals("40001") || state.equals("40P01"))
                .isPresent();
    }

    private static UploadException closedException(Throwable cause) {
        return new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The database has been closed.", cause);
    }
}
