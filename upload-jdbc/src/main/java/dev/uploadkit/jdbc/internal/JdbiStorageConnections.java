package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.StorageConnections;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageProvider;
import dev.uploadkit.core.storage.StorageStats;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link StorageConnections} on table {@code storage_connections}, within one transaction. */
final class JdbiStorageConnections implements StorageConnections {
    private static final String COLUMNS = "id, project_id, name, provider, endpoint, region, bucket, access_key,"
            + " secret_key_sealed, public_base_url, path_style, is_default, created_at, updated_at";

    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<StorageConnection> mapper;

    JdbiStorageConnections(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
        Vendor v = vendor;
        this.mapper = (rs, ctx) -> new StorageConnection(
                v.uuid(rs, "id"), v.uuid(rs, "project_id"), rs.getString("name"),
                StorageProvider.parse(rs.getString("provider")), rs.getString("endpoint"), rs.getString("region"),
                rs.getString("bucket"), rs.getString("access_key"), rs.getString("secret_key_sealed"),
                rs.getString("public_base_url"), rs.getBoolean("path_style"), rs.getBoolean("is_default"),
                v.instant(rs, "created_at"), v.instant(rs, "updated_at"));
    }

    @Override
    public void insert(StorageConnection c) {
        Objects.requireNonNull(c, "connection");
        tx.run(h -> bindAll(h.createUpdate("INSERT INTO storage_connections (" + COLUMNS + ") VALUES (:id,"
                + " :project_id, :name, :provider, :endpoint, :region, :bucket, :access_key, :secret_key_sealed,"
                + " :public_base_url, :path_style, :is_default, :created_at, :updated_at)"), c)
                .bind("created_at", vendor.instant(c.createdAt()))
                .execute());
    }

    @Override
    public Optional<StorageConnection> find(UUID projectId, UUID id) {
        return one(projectId, id, "");
    }

    @Override
    public Optional<StorageConnection> lock(UUID projectId, UUID id) {
        return one(projectId, id, " " + vendor.lockForUpdate());
    }

    private Optional<StorageConnection> one(UUID projectId, UUID id, String suffix) {
        return tx.run(h -> h.createQuery("SELECT " + COLUMNS + " FROM storage_connections WHERE project_id ="
                        + " :project_id AND id = :id" + suffix)
                .bind("project_id", vendor.uuid(projectId))
                .bind("id", vendor.uuid(id))
                .map(mapper)
                .findOne());
    }

    @Override
    public List<StorageConnection> list(UUID projectId) {
        return tx.run(h -> h.createQuery("SELECT " + COLUMNS + " FROM storage_connections WHERE project_id ="
                        + " :project_id ORDER BY created_at, id")
                .bind("project_id", vendor.uuid(projectId))
                .map(mapper)
                .list());
    }

    @Override
    public Optional<StorageConnection> findDefault(UUID projectId) {
        return tx.run(h -> h.createQuery("SELECT " + COLUMNS + " FROM storage_connections WHERE project_id ="
                        + " :project_id AND is_default = TRUE ORDER BY created_at, id LIMIT 1")
                .bind("project_id", vendor.uuid(projectId))
                .map(mapper)
                .findOne());
    }

    @Override
    public List<StorageConnection> listAll(UUID afterId, int limit) {
        return tx.run(h -> {
            var query = h.createQuery("SELECT " + COLUMNS + " FROM storage_connections"
                    + (afterId == null ? "" : " WHERE id > :after") + " ORDER BY id LIMIT :limit");
            if (afterId != null) {
                query.bind("after", vendor.uuid(afterId));
            }
            return query.bind("limit", limit).map(mapper).list();
        });
    }

    @Override
    public boolean update(StorageConnection c) {
        Objects.requireNonNull(c, "connection");
        return tx.run(h -> bindAll(h.createUpdate("UPDATE storage_connections SET name = :name, provider = :provider,"
                + " endpoint = :endpoint, region = :region, bucket = :bucket, access_key = :access_key,"
                + " secret_key_sealed = :secret_key_sealed, public_base_url = :public_base_url, path_style ="
                + " :path_style, is_default = :is_default, updated_at = :updated_at"
                + " WHERE project_id = :project_id AND id = :id"), c).execute() == 1);
    }

    @Override
    public void clearDefault(UUID projectId, UUID keepId) {
        tx.run(h -> {
            var update = h.createUpdate("UPDATE storage_connections SET is_default = FALSE WHERE project_id ="
                    + " :project_id AND is_default = TRUE" + (keepId == null ? "" : " AND id <> :keep"))
                    .bind("project_id", vendor.uuid(projectId));
            if (keepId != null) {
                update.bind("keep", vendor.uuid(keepId));
            }
            return update.execute();
        });
    }

    @Override
    public boolean delete(UUID projectId, UUID id) {
        return tx.run(h -> h.createUpdate("DELETE FROM storage_connections WHERE project_id = :project_id AND id = :id")
                .bind("project_id", vendor.uuid(projectId))
                .bind("id", vendor.uuid(id))
                .execute() == 1);
    }

    @Override
    public boolean inUse(UUID projectId, String storageId) {
        return tx.run(h -> h.createQuery("SELECT 1 FROM uploads WHERE project_id = :project_id AND storage_id ="
                        + " :storage_id LIMIT 1")
                .bind("project_id", vendor.uuid(projectId))
                .bind("storage_id", storageId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent()
                || h.createQuery("SELECT 1 FROM blobs WHERE project_id = :project_id AND storage_id = :storage_id"
                        + " LIMIT 1")
                .bind("project_id", vendor.uuid(projectId))
                .bind("storage_id", storageId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
    }

    @Override
    public StorageStats stats(UUID projectId, String storageId) {
        Objects.requireNonNull(storageId, "storageId");
        return tx.run(h -> StorageCounters.read(h, vendor, projectId, storageId));
    }

    private Update bindAll(Update update, StorageConnection c) {
        return update.bind("id", vendor.uuid(c.id()))
                .bind("project_id", vendor.uuid(c.projectId()))
                .bind("name", c.name())
                .bind("provider", c.provider().wireName())
                .bind("endpoint", c.endpoint())
                .bind("region", c.region())
                .bind("bucket", c.bucket())
                .bind("access_key", c.accessKey())
                .bind("secret_key_sealed", c.sealedSecret())
                .bind("public_base_url", c.publicBaseUrl())
                .bind("path_style", c.pathStyle())
                .bind("is_default", c.isDefault())
                .bind("updated_at", vendor.instant(c.updatedAt()));
    }
}
