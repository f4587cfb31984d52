package dev.uploadkit.core;

import dev.uploadkit.core.store.StoredObject;

/** An opened upload: its record and its bytes (whole or a range). The caller closes it. */
public record Download(Upload upload, StoredObject content) implements AutoCloseable {
    @Override
    public void close() {
        content.close();
    }
}
