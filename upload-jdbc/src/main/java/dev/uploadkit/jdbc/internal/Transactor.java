package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Runs units of work in READ COMMITTED transactions and keeps database failures inside the adapter. */
public final class Transactor {
    private final Jdbi jdbi;
    private final Vendor vendor;
    private final boolean setIsolation;
    private final BooleanSupplier closed;

    /**
     * @param setIsolation whether each transaction must switch to READ COMMITTED because the connections
     *     default to another level (MariaDB's REPEATABLE READ)
     * @param closed tells whether the owner has been closed
     */
    public Transactor(Jdbi jdbi, Vendor vendor, boolean setIsolation, BooleanSupplier closed) {
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
     * unchanged; failures of the database become {@link UploadException}s.
     */
    <T> T inTransaction(Function<Tx, T> work) {
        if (closed.getAsBoolean()) {
            throw closedException(null);
        }
        HandleCallback<T, RuntimeException> callback = handle -> {
            Tx tx = new Tx(handle, vendor);
            try {
                return work.apply(tx);
            } finally {
                tx.end();
            }
        };
        try {
            return setIsolation
                    ? jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, callback)
                    : jdbi.inTransaction(callback);
        } catch (JdbiException e) {
            throw closed.getAsBoolean() ? closedException(e) : SqlErrors.translate(e);
        }
    }

    private static UploadException closedException(Throwable cause) {
        return new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The database has been closed.", cause);
    }
}
