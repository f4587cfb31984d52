package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.ApiKey;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.auth.ProjectStore;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** {@link ProjectStore} on the {@code projects} and {@code api_keys} tables; each call is one transaction. */
public final class JdbiProjectStore implements ProjectStore {
    private static final String KEY_COLUMNS =
            "id, project_id, name, prefix, key_hash, permissions, is_admin, created_at, revoked_at";

    private final Transactor transactor;
    private final Vendor vendor;

    public JdbiProjectStore(Transactor transactor) {
        this.transactor = Objects.requireNonNull(transactor, "transactor");
        this.vendor = transactor.vendor();
    }

    @Override
    public void insertProject(Project project) {
        Objects.requireNonNull(project, "project");
        transactor.inTransaction(tx -> tx.run(h -> onUniqueViolation(
                () -> h.createUpdate("INSERT INTO projects (id, name, plan, created_at) VALUES (:id, :name, :plan, :created_at)")
                        .bind("id", vendor.uuid(project.id()))
                        .bind("name", project.name())
                        .bind("plan", project.plan())
                        .bind("created_at", vendor.instant(project.createdAt()))
                        .execute(),
                "A project with this id already exists.")));
    }

    @Override
    public Optional<Project> findProject(UUID id) {
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery(
                        "SELECT id, name, plan, created_at FROM projects WHERE id = :id")
                .bind("id", vendor.uuid(id))
                .map(Rows.project(vendor))
                .findOne()));
    }

    @Override
    public List<Project> listProjects() {
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery(
                        "SELECT id, name, plan, created_at FROM projects ORDER BY created_at, id")
                .map(Rows.project(vendor))
                .list()));
    }

    @Override
    public boolean updateProject(Project project) {
        Objects.requireNonNull(project, "project");
        return transactor.inTransaction(tx -> tx.run(h -> h.createUpdate(
                        "UPDATE projects SET name = :name, plan = :plan WHERE id = :id")
                .bind("id", vendor.uuid(project.id()))
                .bind("name", project.name())
                .bind("plan", project.plan())
                .execute() == 1));
    }

    @Override
    public boolean deleteProject(UUID id) {
        return transactor.inTransaction(tx -> tx.run(h -> {
            // A plain FOR UPDATE: it must block concurrent inserts of uploads and keys into this project.
            boolean exists = h.createQuery("SELECT id FROM projects WHERE id = :id FOR UPDATE")
                    .bind("id", vendor.uuid(id))
                    .map((rs, ctx) -> Boolean.TRUE)
                    .findOne()
                    .isPresent();
            if (!exists) {
                return false;
            }
            boolean hasUploads = h.createQuery("SELECT uuid FROM uploads WHERE project_id = :id LIMIT 1")
                    .bind("id", vendor.uuid(id))
                    .map((rs, ctx) -> Boolean.TRUE)
                    .findOne()
                    .isPresent();
            if (hasUploads) {
                throw new UploadException(ErrorCode.CONFLICT, "The project still has files.");
            }
            h.createUpdate("DELETE FROM api_keys WHERE project_id = :id").bind("id", vendor.uuid(id)).execute();
            h.createUpdate("DELETE FROM purged_uploads WHERE project_id = :id").bind("id", vendor.uuid(id)).execute();
            try {
                return h.createUpdate("DELETE FROM projects WHERE id = :id").bind("id", vendor.uuid(id)).execute() == 1;
            } catch (UnableToExecuteStatementException e) {
                if (SqlErrors.sqlCause(e).filter(vendor::isForeignKeyViolation).isPresent()) {
                    throw new UploadException(ErrorCode.CONFLICT, "The project is still referenced.", e);
                }
                throw e;
            }
        }));
    }

    @Override
    public void insertKey(ApiKey key) {
        Objects.requireNonNull(key, "key");
        transactor.inTransaction(tx -> tx.run(h -> {
            try {
                return onUniqueViolation(() -> h.createUpdate("INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (:id,"
                                        + " :project_id, :name, :prefix, :key_hash, :permissions, :is_admin, :created_at,"
                                        + " :revoked_at)")
                                .bind("id", vendor.uuid(key.id()))
                                .bind("project_id", vendor.uuid(key.projectId()))
                                .bind("name", key.name())
                                .bind("prefix", key.prefix())
                                .bind("key_hash", key.keyHash())
                                .bind("permissions", Rows.permissionsText(key.permissions()))
                                .bind("is_admin", key.admin())
                                .bind("created_at", vendor.instant(key.createdAt()))
                                .bind("revoked_at", vendor.instant(key.revokedAt()))
                                .execute(),
                        "A key with this prefix or id already exists.");
            } catch (UnableToExecuteStatementException e) {
                if (SqlErrors.sqlCause(e).filter(vendor::isForeignKeyViolation).isPresent()) {
                    throw new UploadException(ErrorCode.NOT_FOUND, "Project not found.", e);
                }
                throw e;
            }
        }));
    }

    @Override
    public Optional<ApiKey> findKeyByPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery(
                        "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE prefix = :prefix")
                .bind("prefix", prefix)
                .map(Rows.apiKey(vendor))
                .findOne()));
    }

    @Override
    public List<ApiKey> listKeys(UUID projectId) {
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery(
                        "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE project_id = :project_id ORDER BY created_at, id")
                .bind("project_id", vendor.uuid(projectId))
                .map(Rows.apiKey(vendor))
                .list()));
    }

    @Override
    public boolean revokeKey(UUID projectId, UUID keyId, Instant at) {
        Objects.requireNonNull(at, "at");
        return transactor.inTransaction(tx -> tx.run(h -> h.createUpdate("UPDATE api_keys SET revoked_at = :at"
                        + " WHERE project_id = :project_id AND id = :id AND revoked_at IS NULL")
                .bind("at", vendor.instant(at))
                .bind("project_id", vendor.uuid(projectId))
                .bind("id", vendor.uuid(keyId))
                .execute() == 1));
    }

    @Override
    public boolean reinstateKey(UUID keyId) {
        return transactor.inTransaction(tx -> tx.run(h -> h.createUpdate("UPDATE api_keys SET revoked_at = NULL"
                        + " WHERE id = :id AND revoked_at IS NOT NULL")
                .bind("id", vendor.uuid(keyId))
                .execute() == 1));
    }

    private <T> T onUniqueViolation(Supplier<T> statement, String conflictMessage) {
        try {
            return statement.get();
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.sqlCause(e).filter(vendor::isUniqueViolation).isPresent()) {
                throw new UploadException(ErrorCode.CONFLICT, conflictMessage, e);
            }
            throw e;
        }
    }
}
