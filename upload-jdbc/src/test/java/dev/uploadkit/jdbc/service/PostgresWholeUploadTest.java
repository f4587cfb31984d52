package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractWholeUploadTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class PostgresWholeUploadTest extends AbstractWholeUploadTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.postgres();
    }
}
