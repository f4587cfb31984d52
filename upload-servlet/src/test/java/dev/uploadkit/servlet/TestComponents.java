package dev.uploadkit.servlet;

import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a {@code web.xml} host supplies: services from the {@code database-url} and {@code data-dir}
 * init-params, and a first project whose admin key is the {@code admin-key} init-param.
 */
public final class TestComponents implements ServletComponents {
    static final AtomicInteger CLOSED = new AtomicInteger();

    @Override
    public void configure(UploadServlet.Builder builder, Map<String, String> params) {
        UploadkitDatabase database = UploadkitDatabase.connect(params.get("database-url"), "sa", "");
        builder.closeOnDestroy(database).closeOnDestroy(CLOSED::incrementAndGet);
        JcloudsFileStore store = JcloudsFileStore.filesystem("local", Path.of(params.get("data-dir")));
        builder.closeOnDestroy(store);
        AccessService access = AccessService.create(database.projects());
        Project project = access.createProject("First", "free");
        access.importKey(project.id(), "admin", params.get("admin-key"), EnumSet.allOf(Permission.class), true);
        builder.uploadService(UploadService.builder().catalog(database.catalog()).store(store).build())
                .accessService(access);
    }
}
