package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.catalog.DedupIndex;
import dev.uploadkit.core.catalog.EventOutbox;
import dev.uploadkit.core.catalog.ImportJobs;
import dev.uploadkit.core.catalog.Instances;
import dev.uploadkit.core.catalog.PurgedUploads;
import dev.uploadkit.core.catalog.RemoteCopyJobs;
import dev.uploadkit.core.catalog.StorageConnections;
import dev.uploadkit.core.catalog.UploadRecords;
import dev.uploadkit.core.catalog.WebhookRecords;

import java.util.Objects;
import java.util.function.Function;

/** {@link Catalog} on JDBI: one database transaction per unit of work. */
public final class JdbiCatalog implements Catalog {
    private final Transactor transactor;
    private final SearchPattern search = new SearchPattern();

    public JdbiCatalog(Transactor transactor) {
        this.transactor = Objects.requireNonNull(transactor, "transactor");
    }

    @Override
    public <T> T inTransaction(Function<CatalogTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return transactor.inTransaction(tx -> work.apply(new Transaction(tx, new JdbiUploadRecords(tx, search),
                new JdbiDedupIndex(tx), new JdbiInstances(tx), new JdbiEventOutbox(tx), new JdbiWebhookRecords(tx),
                new JdbiImportJobs(tx), new JdbiStorageConnections(tx), new JdbiRemoteCopyJobs(tx),
                new JdbiPurgedUploads(tx))));
    }

    private record Transaction(Tx tx, UploadRecords uploads, DedupIndex blobs, Instances instances,
                               EventOutbox events, WebhookRecords webhooks, ImportJobs imports,
                               StorageConnections storage, RemoteCopyJobs remoteCopies, PurgedUploads purged)
            implements CatalogTransaction {
        @Override
        public void afterCommit(Runnable action) {
            tx.afterCommit(Objects.requireNonNull(action, "action"));
        }
    }
}
