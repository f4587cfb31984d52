package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.catalog.DedupStats;

import java.io.IOException;
import java.util.Optional;

/** {@code files/check-hash} and {@code files/deduplication-stats}. */
final class DedupHandler {
    private final UploadService uploads;
    private final UploadViews views;

    DedupHandler(UploadService uploads, UploadViews views) {
        this.uploads = uploads;
        this.views = views;
    }

    void register(Router router) {
        router.add("POST", "files/check-hash", Access.permission(Permission.FILES_READ), this::checkHash);
        router.add("GET", "files/deduplication-stats",
                Access.anyOf(Permission.FILES_READ, Permission.STATS_READ), this::stats);
    }

    private void checkHash(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<String> hash = fields.requiredString("hash");
        fields.throwIfInvalid();
        var found = uploads.findByHash(ex.principal().projectId(), hash.orElseThrow());
        Json.success(ex, 200, new Views.HashCheckView(found.isPresent(),
                found.map(u -> views.toJson(u, ex.baseUrl())).orElse(null)));
    }

    private void stats(Exchange ex) throws IOException {
        DedupStats s = uploads.dedupStats(ex.principal().projectId());
        Json.success(ex, 200, Views.DedupStatsView.of(s));
    }
}
