package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Project;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/** {@code admin/projects…}: server administration, for server-admin callers only. */
final class AdminProjectsHandler {
    private final AccessService access;
    private final UploadService uploads;
    private final KeysHandler keys;

    AdminProjectsHandler(AccessService access, UploadService uploads, KeysHandler keys) {
        this.access = access;
        this.uploads = uploads;
        this.keys = keys;
    }

    void register(Router router) {
        router.add("GET", "admin/projects", Access.ADMIN, this::list);
        router.add("POST", "admin/projects", Access.ADMIN, this::create);
        router.add("GET", "admin/projects/{id}", Access.ADMIN, this::get);
        router.add("PATCH", "admin/projects/{id}", Access.ADMIN, this::update);
        router.add("DELETE", "admin/projects/{id}", Access.ADMIN, this::delete);
        router.add("POST", "admin/projects/{id}/api-keys", Access.ADMIN, this::createKey);
    }

    private void list(Exchange ex) throws IOException {
        Json.list(ex, access.projects().stream().map(Views.ProjectView::of).toList());
    }

    private void create(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> name = fields.requiredString("name");
        Optional<String> plan = fields.optionalString("plan");
        fields.throwIfInvalid();
        Project project = access.createProject(name.orElseThrow(), plan.orElse(null));
        ex.response().setHeader("Location", ex.baseUrl() + "/admin/projects/" + project.id());
        Json.success(ex, 201, Views.ProjectView.of(project));
    }

    private void get(Exchange ex) throws IOException {
        Json.success(ex, 200, Views.ProjectView.of(access.project(projectId(ex))));
    }

    private void update(Exchange ex) throws IOException {
        UUID id = projectId(ex);
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> name = fields.optionalString("name");
        Optional<String> plan = fields.optionalString("plan");
        fields.throwIfInvalid();
        Json.success(ex, 200, Views.ProjectView.of(access.updateProject(id, name.orElse(null), plan.orElse(null))));
    }

    /** Deletes a project and its keys; refused with {@code CONFLICT} while it holds files, trash included. */
    private void delete(Exchange ex) throws IOException {
        UUID id = projectId(ex);
        access.project(id);
        UploadQuery all = UploadQuery.builder().view(UploadQuery.View.ALL).build();
        if (uploads.list(id, all, PageRequest.first(1)).total() > 0) {
            throw new UploadException(ErrorCode.CONFLICT,
                    "The project still holds files; delete them (and empty its trash) first.");
        }
        access.deleteProject(id);
        Json.success(ex, 200, new Views.DeletedProjectView(id.toString(), true));
    }

    private void createKey(Exchange ex) throws IOException {
        UUID id = projectId(ex);
        access.project(id);
        keys.createIn(ex, id);
    }

    private static UUID projectId(Exchange ex) {
        return ex.pathUuid("id", "Project");
    }
}
