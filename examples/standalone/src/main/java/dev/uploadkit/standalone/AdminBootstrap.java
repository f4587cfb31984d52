package dev.uploadkit.standalone;

import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.CreatedKey;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Makes sure the server has an admin: on first start (no project yet) it creates project {@code default} (plan
 * {@code unlimited})
 * and an admin key, printed once as {@code Admin API key: <key>}; a key given in {@code UPLOADKIT_ADMIN_KEY}
 * is installed instead (idempotently) and never printed.
 */
final class AdminBootstrap {
    static final String DEFAULT_PROJECT = "default";

    private AdminBootstrap() {
    }

    static void run(AccessService access, Optional<String> configuredKey, PrintStream out) {
        EnumSet<Permission> all = EnumSet.allOf(Permission.class);
        if (configuredKey.isPresent()) {
            Project project = access.projects().stream().findFirst()
                    .orElseGet(() -> access.createProject(DEFAULT_PROJECT, "unlimited"));
            access.importKey(project.id(), "admin", configuredKey.get(), all, true);
            return;
        }
        if (access.projects().isEmpty()) {
            Project project = access.createProject(DEFAULT_PROJECT, "unlimited");
            CreatedKey key = access.createKey(project.id(), "admin", all, true);
            out.println("Admin API key: " + key.plaintext());
            out.flush();
        }
    }
}
