package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractFileOperationsTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class H2FileOperationsTest extends AbstractFileOperationsTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.h2();
    }
}
