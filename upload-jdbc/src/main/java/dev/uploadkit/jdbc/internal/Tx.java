package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** One open transaction: its handle, valid until the transaction ends. */
final class Tx {
    private final Handle handle;
    private final Vendor vendor;
    private final Counters counters;
    private volatile boolean active = true;
    /** Actions to run after the commit, in registration order, each once; null until the first. */
    private List<Runnable> afterCommit;

    Tx(Handle handle, Vendor vendor) {
        this.handle = handle;
        this.vendor = vendor;
        this.counters = new Counters(vendor);
    }

    /** Returns the counter deltas of this transaction, written by {@link #beforeCommit()}. */
    Counters counters() {
        return counters;
    }

    /** Writes what the transaction has collected (its counter deltas); the work succeeded and commit follows. */
    void beforeCommit() {
        run(h -> {
            counters.flush(h);
            return null;
        });
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

    /** Registers {@code action} to run once after this transaction commits (see {@link Transactor}). */
    void afterCommit(Runnable action) {
        if (!active) {
            throw new IllegalStateException("The catalog transaction was used after its inTransaction call ended.");
        }
        if (afterCommit == null) {
            afterCommit = new ArrayList<>(2);
        }
        if (!afterCommit.contains(action)) {
            afterCommit.add(action);
        }
    }

    /** Returns the actions registered by {@link #afterCommit}, to run once the transaction committed. */
    List<Runnable> afterCommitActions() {
        return afterCommit == null ? List.of() : afterCommit;
    }

    void end() {
        active = false;
    }
}
