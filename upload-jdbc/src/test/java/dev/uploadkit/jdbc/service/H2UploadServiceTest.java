package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractUploadServiceTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class H2UploadServiceTest extends AbstractUploadServiceTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.h2();
    }
}
