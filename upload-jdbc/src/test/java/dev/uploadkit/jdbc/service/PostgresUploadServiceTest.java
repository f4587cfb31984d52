package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractUploadServiceTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class PostgresUploadServiceTest extends AbstractUploadServiceTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.postgres();
    }
}
