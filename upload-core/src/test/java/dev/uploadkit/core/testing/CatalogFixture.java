package dev.uploadkit.core.testing;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.auth.ProjectStore;

/** A freshly migrated, isolated catalog for one test; closing it drops what it created. */
public interface CatalogFixture extends AutoCloseable {

    Catalog catalog();

    ProjectStore projects();

    @Override
    void close();
}
