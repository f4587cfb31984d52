package dev.uploadkit.core.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Gives a new installation its first admin key, the same way in every host (the standalone server's
 * {@code UPLOADKIT_ADMIN_KEY}, Spring Boot's {@code upload.admin-key}).
 *
 * <p>With a configured key, the key is installed, idempotently, as an admin key with every permission in the first
 * project (project {@value #DEFAULT_PROJECT}, plan {@value #DEFAULT_PLAN}, is created when there is none); it is
 * never returned, so the host never prints it; it is checked before anything is written. Without one, and only
 * while there is no project yet (the first start), project {@value #DEFAULT_PROJECT} and a generated admin key are
 * created and the key is returned: it is the only copy, for the host to show once. A first start that stopped
 * between the two (the only project is {@value #DEFAULT_PROJECT} and holds no key at all) is finished by the next.
 *
 * <p>Two instances making their first start on one empty database at the same moment may each create a project and
 * a key; give such deployments a configured key.
 */
public final class AdminBootstrap {
    /** The name of the project made on first start. */
    public static final String DEFAULT_PROJECT = "default";
    /** The plan of the project made on first start. */
    public static final String DEFAULT_PLAN = "unlimited";
    /** The name the admin key is stored under. */
    public static final String KEY_NAME = "admin";

    private AdminBootstrap() {
    }

    /**
     * Makes sure there is an admin key.
     *
     * @param configuredKey the key the operator chose, if any
     * @return the generated key when one was made (first start without a configured key), else empty
     * @throws dev.uploadkit.core.UploadException {@code VALIDATION_ERROR} if the configured key is not 24–256
     *     printable ASCII characters without spaces, {@code CONFLICT} if another key has the same prefix
     */
    public static Optional<CreatedKey> ensureAdminKey(AccessService access, Optional<String> configuredKey) {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(configuredKey, "configuredKey");
        EnumSet<Permission> all = EnumSet.allOf(Permission.class);
        if (configuredKey.isPresent()) {
            AccessService.checkImportable(configuredKey.get());
            Project project = access.projects().stream().findFirst()
                    .orElseGet(() -> access.createProject(DEFAULT_PROJECT, DEFAULT_PLAN));
            access.importKey(project.id(), KEY_NAME, configuredKey.get(), all, true);
            return Optional.empty();
        }
        List<Project> projects = access.projects();
        if (projects.isEmpty()) {
            Project project = access.createProject(DEFAULT_PROJECT, DEFAULT_PLAN);
            return Optional.of(access.createKey(project.id(), KEY_NAME, all, true));
        }
        Project only = projects.get(0);
        if (projects.size() == 1 && only.name().equals(DEFAULT_PROJECT) && access.keys(only.id()).isEmpty()) {
            return Optional.of(access.createKey(only.id(), KEY_NAME, all, true));
        }
        return Optional.empty();
    }
}
