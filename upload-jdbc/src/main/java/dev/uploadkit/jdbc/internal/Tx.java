package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

import java.util.function.Function;

/** One open transaction: its handle, valid until the transaction ends. */
final class Tx {
    private final Handle handle;
    private final Vendor vendor;
    private volatile boolean active = true;

    Tx(Handle handle, Vendor vendor) {
        this.handle = handle;
        this.vendor = vendor;
    }

    Vendor vendor() {
        return vendor;
    }

    /** Runs {@code work} on the handle, translating database failures. */
    <T> T run(Function<Handle, T> work) {
        if (!active) {
            throw new IllegalStateException("The catalog transaction was used after its inTransaction call ended.");
        }
        try {
            return work.apply(handle);
        } catch (JdbiException e) {
            throw SqlErrors.translate(e);
        }
    }

    void end() {
        active = false;
    }
}
