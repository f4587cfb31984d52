package dev.uploadkit.core.auth;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects and their API keys. Implementations are thread-safe and durable; they store key hashes only.
 */
public interface ProjectStore {

    /** Inserts a project. */
    void insertProject(Project project);

    Optional<Project> findProject(UUID id);

    /** Returns all projects, oldest first. */
    List<Project> listProjects();

    /** Changes a project's name and plan; returns false if there is no such project. */
    boolean updateProject(Project project);

    /**
     * Deletes a project and its keys.
     *
     * @return false if there is no such project
     * @throws dev.uploadkit.core.UploadException {@code CONFLICT} while the project still has uploads
     */
    boolean deleteProject(UUID id);

    /** Inserts a key; its prefix must be unique. */
    void insertKey(ApiKey key);

    /** Returns the key with this prefix, revoked or not. */
    Optional<ApiKey> findKeyByPrefix(String prefix);

    /** Returns the project's keys, oldest first. */
    List<ApiKey> listKeys(UUID projectId);

    /** Marks the project's key revoked; returns false if the project has no such live key. */
    boolean revokeKey(UUID projectId, UUID keyId, java.time.Instant at);

    /**
     * Makes a revoked key live again (a configured admin key on restart); returns false if there is no such
     * revoked key.
     */
    boolean reinstateKey(UUID keyId);
}
