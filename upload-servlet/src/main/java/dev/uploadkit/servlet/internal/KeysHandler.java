package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.ApiKey;
import dev.uploadkit.core.auth.CreatedKey;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Principal;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code api-keys} and {@code api-keys/{id}}: a project's keys. A key is shown in full only in the response
 * that creates it; lists show its prefix. A caller may grant only permissions it holds itself (a server admin
 * any), and never the admin flag.
 */
final class KeysHandler {
    private final AccessService access;

    KeysHandler(AccessService access) {
        this.access = access;
    }

    void register(Router router) {
        router.add("GET", "api-keys", Access.permission(Permission.KEYS_MANAGE), this::list);
        router.add("POST", "api-keys", Access.permission(Permission.KEYS_MANAGE), this::create);
        router.add("DELETE", "api-keys/{id}", Access.permission(Permission.KEYS_MANAGE), this::revoke);
    }

    private void list(Exchange ex) throws IOException {
        Json.list(ex, access.keys(ex.principal().projectId()).stream().map(Views.KeyView::of).toList());
    }

    private void create(Exchange ex) throws IOException {
        createIn(ex, ex.principal().projectId());
    }

    /** Creates a key in {@code projectId} from the request body and answers {@code 201} with the key. */
    void createIn(Exchange ex, UUID projectId) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> name = fields.requiredString("name");
        // Checked again by the service; here so that one 422 names it beside the permissions.
        name.filter(String::isBlank).ifPresent(blank -> fields.problems().add("name", "The name is required."));
        Optional<List<String>> names = fields.stringList("permissions");
        if (!fields.has("permissions")) {
            fields.problems().add("permissions", "The permissions field is required.");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        names.ifPresent(list -> list.forEach(n -> fields.problems().attempt(() -> permissions.add(Permission.parse(n)))));
        fields.throwIfInvalid();
        Principal caller = ex.principal();
        if (!caller.admin() && !caller.permissions().containsAll(permissions)) {
            throw new UploadException(ErrorCode.FORBIDDEN, "A key may only grant permissions it holds itself.");
        }
        CreatedKey created = access.createKey(projectId, name.orElseThrow(), permissions, false);
        Json.success(ex, 201, Views.CreatedKeyView.of(created.key(), created.plaintext()));
    }

    private void revoke(Exchange ex) throws IOException {
        UUID projectId = ex.principal().projectId();
        UUID id = ex.pathUuid("id", "API key");
        ApiKey target = access.keys(projectId).stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> UploadException.notFound("API key"));
        if (target.admin() && !ex.principal().admin()) {
            throw new UploadException(ErrorCode.FORBIDDEN, "Only a server-admin key may revoke a server-admin key.");
        }
        if (target.isRevoked()) {
            Json.success(ex, 200, Views.KeyView.of(target)); // revoking again changes nothing: DELETE is idempotent
            return;
        }
        access.revokeKey(projectId, id);
        ApiKey revoked = access.keys(projectId).stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> UploadException.notFound("API key"));
        Json.success(ex, 200, Views.KeyView.of(revoked));
    }
}
