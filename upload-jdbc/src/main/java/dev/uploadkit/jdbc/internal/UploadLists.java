package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.catalog.ListCursor;
import dev.uploadkit.core.catalog.ProjectTotals;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One page of a project's uploads, with its {@code meta.total} (SPEC §2): keyset or numbered pages in the sort's
 * index, the unfiltered total from the project's counters, a filtered one counted up to the caller's limit
 * ({@link ListTotal}).
 */
final class UploadLists {
    /** MariaDB, MySQL and H2: no index, a read of the table in its own order (see SearchPattern#scansTable). */
    private static final String TABLE_SCAN = " USE INDEX ()";
    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<Upload> mapper;
    private final SearchPattern search;

    UploadLists(Tx tx, Vendor vendor, RowMapper<Upload> mapper, SearchPattern search) {
        this.tx = tx;
        this.vendor = vendor;
        this.mapper = mapper;
        this.search = search;
    }

    Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page, long countLimit) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(page, "page");
        if (countLimit < 0) {
            throw new IllegalArgumentException("countLimit must be >= 0, was " + countLimit);
        }
        ListCursor cursor = page.cursor() == null ? null : ListCursor.decode(page.cursor(), query);
        Where where = tx.run(h -> filters(h, projectId, query));
        boolean tableScan = vendor != Vendor.POSTGRESQL && searches(query)
                && tx.run(h -> {
                    ProjectTotals totals = Counters.read(h, vendor, projectId);
                    return search.scansTable(h, vendor, totals.liveFiles() + totals.trashFiles());
                });
        String column = sortColumn(query.sort());
        boolean asc = query.order() == UploadQuery.Order.ASC;
        Where pageWhere = where.copy();
        String paging = " LIMIT :limit";
        if (cursor != null) {
            // The first conjunct bounds the index range scan; the OR alone would make every database scan from
            // the start of the range.
            String cmp = asc ? ">" : "<";
            pageWhere.and(column + " " + cmp + "= :cursor_value AND (" + column + " " + cmp + " :cursor_value OR u.uuid "
                            + cmp + " :cursor_uuid)", "cursor_value", cursorValue(query.sort(), cursor.value()))
                    .bind("cursor_uuid", vendor.uuid(cursor.uuid()));
        } else if (page.offset() > 0) {
            paging += " OFFSET :offset";
            pageWhere.bind("offset", Where.number(page.offset()));
        }
        pageWhere.bind("limit", Where.number(page.perPage() + 1L));
        String direction = asc ? " ASC" : " DESC";
        String order = " ORDER BY " + column + direction + ", u.uuid" + direction;
        SortIndex index = sortIndex(query);
        String pageOrder = vendor == Vendor.H2 && index != null ? " ORDER BY " + index.leading(direction) + column
                + direction + ", u.uuid" + direction : order;
        String sql;
        if (cursor == null && page.offset() > 0) {
            // A deferred join: the rows skipped by OFFSET are walked in the sort's index alone (it holds the uuid),
            // and only the page's rows are read in full and joined to their blob.
            sql = "SELECT " + Rows.UPLOAD_COLUMNS + " FROM (SELECT u.uuid FROM uploads u"
                    + (tableScan ? TABLE_SCAN : indexHint(index, false, true)) + pageWhere.sql() + pageOrder + paging
                    + ") p JOIN "
                    + Rows.UPLOADS_WITH_KEY.replace("uploads u", "uploads u ON u.uuid = p.uuid") + order;
        } else {
            String hint = tableScan ? TABLE_SCAN : indexHint(index, cursor != null, false);
            String from = Rows.UPLOADS_WITH_KEY.replace("uploads u", "uploads u" + hint);
            sql = "SELECT " + Rows.UPLOAD_COLUMNS + " FROM " + from + pageWhere.sql() + pageOrder + paging;
        }
        // A page reached by a cursor is the one after the cursor's (its number only labels it: no offset is used).
        int current = cursor == null ? page.page() : cursor.page() + 1;
        return tx.run(h -> {
            List<Upload> rows = pageWhere.bindTo(statement(h, sql, query)).map(mapper).list();
            String next = null;
            boolean more = rows.size() > page.perPage();
            if (more) {
                rows = rows.subList(0, page.perPage());
                Upload last = rows.get(rows.size() - 1);
                next = new ListCursor(query.sort(), query.order(), sortValue(query.sort(), last), last.uuid(), current)
                        .encode(query);
            }
            if (isUnfiltered(query)) {
                ProjectTotals totals = Counters.read(h, vendor, projectId);
                long total = switch (query.view()) {
                    case LIVE -> totals.liveFiles();
                    case TRASHED -> totals.trashFiles();
                    case ALL -> totals.liveFiles() + totals.trashFiles();
                };
                return new Page<>(rows, current, page.perPage(), total, next, true);
            }
            ListTotal total = ListTotal.of(page, rows.size(), more, countLimit,
                    countSql -> statement(h, countSql, query), "uploads u" + (tableScan ? TABLE_SCAN : ""), where);
            return new Page<>(rows, current, page.perPage(), total.value(), next, total.exact());
        });
    }

    /** A statement of the list; a search on PostgreSQL is planned for its pattern each time ({@link CustomPlan}). */
    private Query statement(Handle h, String sql, UploadQuery query) {
        Query statement = h.createQuery(sql);
        if (vendor == Vendor.POSTGRESQL && searches(query)) {
            statement.addCustomizer(CustomPlan.INSTANCE);
        }
        return statement;
    }

    /**
     * The index whose order a page follows: the sort's own, or the folder's for the commonest filter; none when
     * both views are listed (no index holds them in one order). {@code certain}: no other index could serve the
     * filter better, whatever the data.
     */
    private static SortIndex sortIndex(UploadQuery q) {
        if (q.view() == UploadQuery.View.ALL) {
            return null;
        }
        boolean onlyFolder = q.folder() != null && noFilterButFolder(q);
        if (onlyFolder && q.sort() == UploadQuery.Sort.CREATED_AT) {
            return new SortIndex("idx_uploads_folder", List.of("u.project_id", "u.in_trash", "u.folder"), true);
        }
        String name = switch (q.sort()) {
            case CREATED_AT -> "idx_uploads_created";
            case SIZE_BYTES -> "idx_uploads_size";
            case FILENAME -> "idx_uploads_filename";
        };
        return new SortIndex(name, List.of("u.project_id", "u.in_trash"), isUnfiltered(q));
    }

    /**
     * Names the page's index where a database would not walk it on its own. MariaDB reads a keyset page through the
     * (project, trash) prefix of the sort's index from its first entry instead of as a range starting at the cursor
     * (seconds at mid-depth of a million rows); naming the index makes it a range. H2 takes the project's foreign-key
     * index for the OFFSET walk of a deferred join (every row of the project read, then sorted), so it is told the
     * index there and wherever the index is certain; elsewhere its costs choose (they pick the sort's index for
     * image/* at 40 % of a million rows; a filter matching few rows may be cheaper through its own index and a sort).
     */
    private String indexHint(SortIndex index, boolean keyset, boolean deferred) {
        if (index == null) {
            return "";
        }
        return switch (vendor) {
            case MYSQL -> keyset && index.certain() ? " FORCE INDEX (" + index.name() + ")" : "";
            case H2 -> deferred || index.certain() ? " USE INDEX (" + index.name() + ")" : "";
            case POSTGRESQL -> "";
        };
    }

    private static boolean searches(UploadQuery q) {
        return q.search() != null && !q.search().isEmpty();
    }

    private static boolean isUnfiltered(UploadQuery q) {
        return q.folder() == null && noFilterButFolder(q);
    }

    /** Whether no filter other than the folder narrows the list. */
    private static boolean noFilterButFolder(UploadQuery q) {
        return q.mimeType() == null && q.isPublic() == null && q.status() == null && q.isStored() == null
                && !searches(q) && q.createdFrom() == null && q.createdTo() == null;
    }

    /**
     * An index of uploads, and its leading columns that the filter's equalities fix. H2 follows an index's order only
     * when the ORDER BY names those columns too (a page sorted by created_at alone read and sorted every row of the
     * project: minutes at a million); ordering by columns fixed to one value changes no result.
     */
    private record SortIndex(String name, List<String> fixed, boolean certain) {
        String leading(String direction) {
            StringBuilder sql = new StringBuilder();
            for (String column : fixed) {
                sql.append(column).append(direction).append(", ");
            }
            return sql.toString();
        }
    }

    private Where filters(Handle h, UUID projectId, UploadQuery query) {
        Where where = new Where().and("u.project_id = :project_id", "project_id", vendor.uuid(projectId));
        switch (query.view()) {
            case LIVE -> where.and("u.in_trash = FALSE");
            case TRASHED -> where.and("u.in_trash = TRUE");
            case ALL -> {
            }
        }
        if (query.folder() != null) {
            where.and("u.folder = :folder", "folder", Where.text(query.folder()));
        }
        if (query.mimeType() != null) {
            String mime = query.mimeType();
            if (mime.endsWith("/*")) {
                String type = mime.substring(0, mime.length() - 1);
                if (vendor == Vendor.H2) {
                    // H2 makes no index range of a LIKE whose pattern is a parameter: counting image/* read every
                    // type sorted before it in idx_uploads_mime (210,001 rows for 10,001 at a million), and the
                    // LIKE kept beside a range made it read each row. H2 compares UTF-16 code units, so the names
                    // from "type/" up to "type0" ('/' + 1) are exactly those starting with "type/".
                    char last = type.charAt(type.length() - 1);
                    where.and("u.mime_type >= :mime_from AND u.mime_type < :mime_to", "mime_from", Where.text(type))
                            .bind("mime_to", Where.text(type.substring(0, type.length() - 1) + (char) (last + 1)));
                } else {
                    where.and("u.mime_type LIKE :mime_type ESCAPE '!'", "mime_type",
                            Where.text(Where.escapeLike(type) + "%"));
                }
            } else {
                where.and("u.mime_type = :mime_type", "mime_type", Where.text(mime));
            }
        }
        if (query.isPublic() != null) {
            where.and("u.is_public = :is_public", "is_public", Where.bool(query.isPublic()));
        }
        if (query.status() != null) {
            where.and("u.status = :status", "status", Where.text(query.status().wireName()));
        }
        if (query.isStored() != null) {
            where.and("u.is_stored = :is_stored", "is_stored", Where.bool(query.isStored()));
        }
        if (searches(query)) {
            search.addTo(where, h, vendor, query.search());
        }
        if (query.createdFrom() != null) {
            where.and("u.created_at >= :created_from", "created_from", vendor.instant(query.createdFrom()));
        }
        if (query.createdTo() != null) {
            where.and("u.created_at < :created_to", "created_to", vendor.instant(query.createdTo()));
        }
        return where;
    }

    private static String sortColumn(UploadQuery.Sort sort) {
        return switch (sort) {
            case CREATED_AT -> "u.created_at";
            case SIZE_BYTES -> "u.size_bytes";
            case FILENAME -> "u.filename";
        };
    }

    private Argument cursorValue(UploadQuery.Sort sort, String value) {
        return switch (sort) {
            case CREATED_AT -> vendor.instant(Instant.parse(value));
            case SIZE_BYTES -> Where.number(Long.parseLong(value));
            case FILENAME -> Where.text(value);
        };
    }

    private static String sortValue(UploadQuery.Sort sort, Upload upload) {
        return switch (sort) {
            case CREATED_AT -> upload.createdAt().toString();
            case SIZE_BYTES -> Long.toString(upload.sizeBytes());
            case FILENAME -> upload.filename();
        };
    }
}
