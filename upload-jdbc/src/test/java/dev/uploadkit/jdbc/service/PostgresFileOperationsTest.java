package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractFileOperationsTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class PostgresFileOperationsTest extends AbstractFileOperationsTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.postgres();
    }
}
