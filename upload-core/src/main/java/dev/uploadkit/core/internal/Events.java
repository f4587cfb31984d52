package dev.uploadkit.core.internal;

import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;

import java.time.Instant;
import java.util.function.Supplier;

/** Makes upload events and appends them to the outbox of the transaction whose change they report. */
public final class Events {
    private final IdSource ids;
    private final Supplier<Instant> clock;

    public Events(IdSource ids, Supplier<Instant> clock) {
        this.ids = ids;
        this.clock = clock;
    }

    /** Appends a {@code type} event about {@code upload}, as it is after the change, in {@code tx}. */
    public void append(CatalogTransaction tx, EventType type, Upload upload) {
        tx.events().append(new UploadEvent(ids.next(), type, clock.get(), upload));
    }

    /** Appends a {@code type} event about a storage connection in {@code tx}. */
    public void append(CatalogTransaction tx, EventType type, StorageSummary storage) {
        tx.events().append(UploadEvent.ofStorage(ids.next(), type, clock.get(), storage));
    }
}
