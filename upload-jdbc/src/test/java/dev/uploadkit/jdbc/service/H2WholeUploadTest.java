package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.AbstractWholeUploadTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;

class H2WholeUploadTest extends AbstractWholeUploadTest {
    @Override
    protected CatalogFixture openCatalog() {
        return TestDatabases.h2();
    }
}
