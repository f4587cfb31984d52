package dev.uploadkit.core.catalog;

import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * The position after which a keyset-paged list continues: the sort value and uuid of the last item shown.
 *
 * <p>Encoded as opaque URL-safe text; a cursor is only valid with the sort, order and filters it was made for.
 *
 * @param value the last item's sort value: ISO-8601 instant, decimal size, or filename
 * @param page the number of the page that item was on, so the page after it knows its own ({@code current_page})
 */
public record ListCursor(UploadQuery.Sort sort, UploadQuery.Order order, String value, UUID uuid, int page) {
    private static final char SEP = '\n';
    /** Starts the filters' checksum, before the sort (whose names are upper-case letters). */
    private static final String FILTERS = "~";

    public ListCursor {
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(uuid, "uuid");
        if (page < 1) {
            throw new IllegalArgumentException("page must be >= 1, was " + page);
        }
    }

    /** A cursor after an item of the first page. */
    public ListCursor(UploadQuery.Sort sort, UploadQuery.Order order, String value, UUID uuid) {
        this(sort, order, value, uuid, 1);
    }

    /** Returns the opaque text form. */
    public String encode() {
        return encode("");
    }

    /**
     * Returns the opaque text form for a page of {@code query}: it also holds a checksum of the query's filters, so
     * that {@link #decode} refuses it with other filters (it would continue a list it was not made for).
     */
    public String encode(UploadQuery query) {
        return encode(FILTERS + filters(query) + SEP);
    }

    private String encode(String prefix) {
        String raw = prefix + sort.name() + SEP + order.name() + SEP + uuid + SEP + page + SEP + value;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A checksum of what {@code query} selects (not its sort: a cursor names that itself). */
    private static String filters(UploadQuery q) {
        String all = q.view() + "|" + q.folder() + "|" + q.mimeType() + "|" + q.isPublic() + "|" + q.status() + "|"
                + q.isStored() + "|" + q.search() + "|" + q.createdFrom() + "|" + q.createdTo();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(all.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /**
     * Decodes a cursor made for {@code query}'s sort and order.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on field {@code cursor} if it is malformed or was made
     *     for another sort, order or (when it names them, as {@link #encode(UploadQuery)} does) other filters
     */
    public static ListCursor decode(String text, UploadQuery query) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            if (raw.startsWith(FILTERS)) {
                int end = raw.indexOf(SEP);
                if (end < 0) {
                    throw invalid();
                }
                if (!raw.substring(FILTERS.length(), end).equals(filters(query))) {
                    throw UploadException.validation("cursor", "The cursor was made for other filters; "
                            + "start again without it.");
                }
                raw = raw.substring(end + 1);
            }
            // sort, order, uuid, page, value; cursors made before the page was recorded have no page (taken as 1).
            String[] parts = raw.split(String.valueOf(SEP), 5);
            if (parts.length < 4) {
                throw invalid();
            }
            int page = parts.length == 5 ? Integer.parseInt(parts[3]) : 1;
            ListCursor cursor = new ListCursor(UploadQuery.Sort.valueOf(parts[0]), UploadQuery.Order.valueOf(parts[1]),
                    parts[parts.length - 1], UUID.fromString(parts[2]), page);
            if (cursor.sort != query.sort() || cursor.order != query.order()) {
                throw UploadException.validation("cursor", "The cursor was made for another sort or order.");
            }
            if (cursor.sort == UploadQuery.Sort.SIZE_BYTES) {
                Long.parseLong(cursor.value);
            } else if (cursor.sort == UploadQuery.Sort.CREATED_AT) {
                java.time.Instant.parse(cursor.value);
            }
            return cursor;
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw invalid();
        }
    }

    private static UploadException invalid() {
        return UploadException.validation("cursor", "The cursor is not valid.");
    }
}
