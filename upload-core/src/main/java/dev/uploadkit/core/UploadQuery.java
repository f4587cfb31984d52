package dev.uploadkit.core;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The filters and sort of a file list. Every filter is optional ({@code null} = not filtered).
 *
 * @param view which uploads to consider: live ones, trashed ones, or both
 * @param folder exact folder
 * @param mimeType exact type, or a {@code type/*} wildcard
 * @param search case-insensitive substring of the filename
 * @param createdFrom inclusive lower bound
 * @param createdTo exclusive upper bound
 */
public record UploadQuery(
        View view,
        String folder,
        String mimeType,
        Boolean isPublic,
        UploadStatus status,
        Boolean isStored,
        String search,
        Instant createdFrom,
        Instant createdTo,
        Sort sort,
        Order order) {

    /** Which uploads a list considers. */
    public enum View { LIVE, TRASHED, ALL }

    /** The sortable fields. */
    public enum Sort {
        CREATED_AT, SIZE_BYTES, FILENAME;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Sort parse(String value) {
            for (Sort s : values()) {
                if (s.wireName().equals(value)) {
                    return s;
                }
            }
            throw UploadException.validation("sort", "The sort must be one of created_at, size_bytes, filename.");
        }
    }

    /** Sort direction. */
    public enum Order {
        ASC, DESC;

        public static Order parse(String value) {
            if ("asc".equals(value)) {
                return ASC;
            }
            if ("desc".equals(value)) {
                return DESC;
            }
            throw UploadException.validation("order", "The order must be asc or desc.");
        }
    }

    public static final int MAX_SEARCH_LENGTH = 255;

    public UploadQuery {
        Objects.requireNonNull(view, "view");
        sort = sort == null ? Sort.CREATED_AT : sort;
        // Newest and largest first, names from A: what a person browsing expects of each.
        order = order != null ? order : sort == Sort.FILENAME ? Order.ASC : Order.DESC;
        if (folder != null) {
            folder = Names.normalizeFolder("folder", folder);
        }
        if (mimeType != null && !mimeType.matches("[a-zA-Z0-9!#$&^_.+-]+/(\\*|[a-zA-Z0-9!#$&^_.+-]+)")) {
            throw UploadException.validation("mime_type", "The mime_type must look like type/subtype or type/*.");
        }
        if (search != null && search.length() > MAX_SEARCH_LENGTH) {
            throw UploadException.validation("search", "The search may be at most " + MAX_SEARCH_LENGTH + " characters.");
        }
        if (search != null && search.chars().anyMatch(Character::isISOControl)) {
            // No filename holds one (Names), and PostgreSQL refuses a NUL in any text.
            throw UploadException.validation("search", "The search must not contain control characters.");
        }
        if (createdFrom != null && createdTo != null && createdFrom.isAfter(createdTo)) {
            throw UploadException.validation("created_from", "The created_from must not be after created_to.");
        }
    }

    /** Returns a query over live uploads with no filters, newest first. */
    public static UploadQuery live() {
        return builder().build();
    }

    /** Returns a query over trashed uploads, most recently created first. */
    public static UploadQuery trashed() {
        return builder().view(View.TRASHED).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a query; every filter starts unset. */
    public static final class Builder {
        private View view = View.LIVE;
        private String folder;
        private String mimeType;
        private Boolean isPublic;
        private UploadStatus status;
        private Boolean isStored;
        private String search;
        private Instant createdFrom;
        private Instant createdTo;
        private Sort sort;
        private Order order;

        public Builder view(View v) { view = v; return this; }
        public Builder folder(String v) { folder = v; return this; }
        public Builder mimeType(String v) { mimeType = v; return this; }
        public Builder isPublic(Boolean v) { isPublic = v; return this; }
        public Builder status(UploadStatus v) { status = v; return this; }
        public Builder isStored(Boolean v) { isStored = v; return this; }
        public Builder search(String v) { search = v; return this; }
        public Builder createdFrom(Instant v) { createdFrom = v; return this; }
        public Builder createdTo(Instant v) { createdTo = v; return this; }
        public Builder sort(Sort v) { sort = v; return this; }
        public Builder order(Order v) { order = v; return this; }

        public UploadQuery build() {
            return new UploadQuery(view, folder, mimeType, isPublic, status, isStored, search, createdFrom, createdTo,
                    sort, order);
        }
    }
}
