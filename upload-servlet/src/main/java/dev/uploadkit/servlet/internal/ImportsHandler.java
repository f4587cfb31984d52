package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ImportRequest;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Names;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import dev.uploadkit.core.internal.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code files/upload-from-url} and {@code files/bulk-upload-from-urls}: uploads fetched from URLs. */
final class ImportsHandler {
    /** The most items of one bulk import. */
    static final int MAX_BULK = 100;

    private final UploadService uploads;
    private final UploadViews views;

    ImportsHandler(UploadService uploads, UploadViews views) {
        this.uploads = uploads;
        this.views = views;
    }

    void register(Router router) {
        router.add("POST", "files/upload-from-url", Access.permission(Permission.FILES_WRITE), this::importOne);
        router.add("POST", "files/bulk-upload-from-urls", Access.permission(Permission.FILES_WRITE), this::importMany);
    }

    /**
     * {@code url} (required), {@code filename}, {@code folder}, {@code is_public}, {@code metadata}, {@code store},
     * {@code async}: 201 with the completed upload, or with {@code async: true} 202 with the pending one.
     */
    private void importOne(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        boolean async = fields.bool("async").orElse(false);
        ImportRequest request = request(ex.principal().projectId(), fields, Defaults.NONE); // every bad field
        Upload upload = async ? uploads.enqueueImport(request) : uploads.importFromUrl(request);
        if (!async) {
            ex.request().setAttribute(RecordStep.UPLOADED_BYTES, upload.sizeBytes()); // usage counts it as an upload
        }
        ex.response().setHeader("Location", ex.baseUrl() + "/files/" + upload.uuid());
        Json.success(ex, async ? 202 : 201, views.toJson(upload, ex.baseUrl()));
    }

    /**
     * {@code {"items": [{"url", ...}], "folder", "is_public", "store"}} or {@code {"urls": [...]}}, at most 100: 202
     * with {@code uploads}, one pending upload per accepted item, and {@code problems}, item index → reasons.
     */
    private void importMany(Exchange ex) throws IOException {
        ObjectNode body = Json.readObject(ex);
        JsonFields top = new JsonFields(body);
        Defaults defaults = new Defaults(top.string("folder").orElse(null), top.bool("is_public").orElse(null),
                store(top).orElse(null));
        top.problems().attempt(() -> Names.neutralFolder("folder", defaults.folder()));
        List<ObjectNode> items = items(body, top.problems());
        top.throwIfInvalid();
        UUID projectId = ex.principal().projectId();
        List<Views.UploadView> accepted = new ArrayList<>();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonFields fields = new JsonFields(items.get(i));
            try {
                ImportRequest request = request(projectId, fields, defaults);
                fields.throwIfInvalid();
                accepted.add(views.toJson(uploads.enqueueImport(request), ex.baseUrl()));
            } catch (UploadException e) {
                problems.put(Integer.toString(i), reasons(e));
            }
        }
        Json.success(ex, 202, new Views.BulkImportView(accepted, problems));
    }

    private static List<String> reasons(UploadException e) {
        List<String> reasons = new ArrayList<>();
        e.details().forEach((field, messages) -> messages.forEach(m -> reasons.add(field + ": " + m)));
        if (reasons.isEmpty()) {
            reasons.add(e.getMessage());
        }
        return reasons;
    }

    /** The items, from {@code items} (objects) or {@code urls} (strings); 1 to 100 of them. */
    private static List<ObjectNode> items(ObjectNode body, Problems problems) {
        List<ObjectNode> items = new ArrayList<>();
        JsonNode list = body.has("items") ? body.get("items") : body.get("urls");
        String field = body.has("items") ? "items" : "urls";
        if (list == null || !list.isArray()) {
            problems.add(field, "The items must be an array of objects with a url, or urls an array of strings.");
            return items;
        }
        for (JsonNode element : list) {
            if (element.isTextual() && field.equals("urls")) {
                items.add(Json.MAPPER.createObjectNode().put("url", element.textValue()));
            } else if (element.isObject() && field.equals("items")) {
                items.add((ObjectNode) element);
            } else {
                problems.add(field, "The " + field + " must be an array of "
                        + (field.equals("items") ? "objects with a url." : "strings."));
                return items;
            }
        }
        if (items.isEmpty() || items.size() > MAX_BULK) {
            problems.add(field, "Send 1 to " + MAX_BULK + " " + field + ", not " + items.size() + ".");
        }
        return items;
    }

    /** Bulk-level values an item may leave out. */
    private record Defaults(String folder, Boolean isPublic, Boolean store) {
        static final Defaults NONE = new Defaults(null, null, null);
    }

    private static ImportRequest request(UUID projectId, JsonFields fields, Defaults defaults) {
        Problems problems = fields.problems();
        Optional<String> url = fields.requiredString("url");
        String sentName = fields.string("filename").orElse(null);
        String sentFolder = fields.string("folder").orElse(defaults.folder());
        boolean isPublic = fields.bool("is_public").orElse(defaults.isPublic() != null && defaults.isPublic());
        boolean stored = store(fields).orElse(defaults.store() == null || defaults.store());
        Metadata metadata = fields.isNull("metadata") ? Metadata.EMPTY
                : fields.stringMap("metadata").map(m -> problems.attempt(() -> new Metadata(m))).orElse(Metadata.EMPTY);
        url.ifPresent(u -> problems.attempt(() -> dev.uploadkit.core.internal.UrlImports.checkUrl(u)));
        String filename = sentName == null ? null : problems.attempt(() -> Names.neutralFilename("filename", sentName));
        String folder = problems.attempt(() -> Names.neutralFolder("folder", sentFolder));
        fields.throwIfInvalid();
        ImportRequest request = problems.attempt(() -> new ImportRequest(projectId, url.orElseThrow(), filename,
                folder, isPublic, metadata, stored));
        fields.throwIfInvalid();
        return request;
    }

    /** {@code store}: true or false, or {@code "1"}, {@code "0"}, {@code "true"}, {@code "false"}, {@code "auto"}. */
    private static Optional<Boolean> store(JsonFields fields) {
        if (!fields.has("store") || fields.isNull("store")) {
            return Optional.empty();
        }
        Optional<Boolean> bool = fields.problems().attempt(() -> Optional.ofNullable(storeValue(fields)));
        return bool == null ? Optional.empty() : bool;
    }

    private static Boolean storeValue(JsonFields fields) {
        JsonNode v = fields.raw("store");
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = v.isTextual() ? v.textValue().strip() : "";
        return switch (text) {
            case "1", "true", "auto" -> true;
            case "0", "false" -> false;
            default -> throw UploadException.validation("store", "The store must be true or false.");
        };
    }
}
