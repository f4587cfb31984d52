package dev.uploadkit.core.catalog;

import dev.uploadkit.core.event.UploadEvent;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The outbox of upload events, within one transaction: an event appended here commits or rolls back with the
 * change beside it, and a relay later reads the pending events, hands them to the webhook sink and marks them
 * delivered.
 *
 * <p>Each appended event gets an increasing {@link Pending#seq()} in the order appends commit (per
 * database, ids come from one sequence; two transactions appending at once may commit out of id order, which is
 * the only case where the order differs from commit order).
 */
public interface EventOutbox {

    /** Writes {@code event} as pending; it exists only if this transaction commits. */
    void append(UploadEvent event);

    /**
     * Locks and returns up to {@code limit} pending events, lowest {@link Pending#seq()} first, skipping those locked by
     * other transactions (so concurrent relays never get the same event). The locks last until this transaction
     * ends.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    List<Pending> claimPending(int limit);

    /** Marks these events delivered at {@code at}; they are no longer pending. Unknown seqs are ignored. */
    void markDelivered(Collection<Long> seqs, Instant at);

    /** Deletes up to {@code limit} events delivered before {@code before}; returns how many. */
    int purgeDelivered(Instant before, int limit);

    /** Returns how many events wait for the relay, of every project. */
    long countPending();

    /**
     * A pending event and its place in the outbox.
     *
     * @param seq the outbox's id of the event, increasing with each append
     */
    record Pending(long seq, UploadEvent event) {
        public Pending {
            Objects.requireNonNull(event, "event");
        }
    }
}
