package dev.uploadkit.core.usage;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Where request logs and daily usage roll-ups are kept (upload-jdbc's on the catalog's database). Thread-safe;
 * every method blocks for the store. Usage is read from the roll-ups only, never by scanning the log.
 */
public interface RequestLogStore {

    /**
     * Appends {@code entries} and adds {@code deltas} to the daily roll-ups, all in one transaction.
     *
     * @throws dev.uploadkit.core.UploadException {@code SERVICE_UNAVAILABLE} if the store cannot be reached; then
     *     nothing was written
     */
    void append(List<RequestLogEntry> entries, List<UsageDelta> deltas);

    /** Records what a project stores at the end of {@code day} so far (replacing an earlier snapshot that day). */
    void recordStorage(UUID projectId, LocalDate day, long files, long bytes);

    /** Returns the entries matching {@code query}, newest first, with their ids. */
    List<RequestLogEntry> find(LogQuery query);

    /**
     * Returns one page of the entries matching the filters of {@code query}, newest first, with the {@code meta} facts
     * of SPEC §2. {@code page} says where the page starts and how long it is ({@code query}'s {@code beforeId} and
     * {@code limit} play no part): by number, or, when it has a cursor (a {@link Page#nextCursor()} of this method),
     * right after that entry. The total is counted up to {@code countLimit} matches ({@link Page#totalExact()} false
     * past it; {@link Long#MAX_VALUE} counts them all), so a page never costs a count of a big log.
     *
     * @throws dev.uploadkit.core.UploadException {@code VALIDATION_ERROR} on {@code cursor} if the cursor is not one
     *     this method returned
     */
    Page<RequestLogEntry> list(LogQuery query, PageRequest page, long countLimit);

    /** Returns the project's roll-ups of the days from {@code from} to {@code to} (both included) that have any. */
    List<UsageDay> usage(UUID projectId, LocalDate from, LocalDate to);

    /**
     * Deletes up to {@code max} entries older than {@code cutoff}; roll-ups stay.
     *
     * @return how many were deleted
     */
    int purge(Instant cutoff, int max);
}
