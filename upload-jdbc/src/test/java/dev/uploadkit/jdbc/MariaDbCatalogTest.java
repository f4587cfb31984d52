package dev.uploadkit.jdbc;

import dev.uploadkit.core.auth.AbstractProjectStoreContractTest;
import dev.uploadkit.core.catalog.AbstractCatalogContractTest;
import dev.uploadkit.core.catalog.AbstractCountersContractTest;
import dev.uploadkit.core.catalog.AbstractDedupIndexContractTest;
import dev.uploadkit.core.catalog.AbstractEventOutboxContractTest;
import dev.uploadkit.core.catalog.AbstractWebhookRecordsContractTest;
import dev.uploadkit.core.catalog.AbstractImportJobsContractTest;
import dev.uploadkit.core.catalog.AbstractPurgedUploadsContractTest;
import dev.uploadkit.core.catalog.AbstractRemoteCopyJobsContractTest;
import dev.uploadkit.core.catalog.AbstractStorageConnectionsContractTest;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Nested;

/** The catalog contracts on MariaDB. */
class MariaDbCatalogTest {

    @Nested
    class UploadRecordsContract extends AbstractCatalogContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class DedupIndexContract extends AbstractDedupIndexContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class CountersContract extends AbstractCountersContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class ProjectStoreContract extends AbstractProjectStoreContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class EventOutboxContract extends AbstractEventOutboxContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class WebhookRecordsContract extends AbstractWebhookRecordsContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class ImportJobsContract extends AbstractImportJobsContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class StorageConnectionsContract extends AbstractStorageConnectionsContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class RemoteCopyJobsContract extends AbstractRemoteCopyJobsContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class PurgedUploadsContract extends AbstractPurgedUploadsContractTest {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }
}
