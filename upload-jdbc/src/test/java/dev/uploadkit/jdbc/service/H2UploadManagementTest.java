package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractUploadManagementTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class H2UploadManagementTest extends AbstractUploadManagementTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.h2();
    }
}
