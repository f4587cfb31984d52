package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.core.testing.CatalogTestSupport;
import dev.uploadkit.jdbc.UploadkitDatabase;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filename search on PostgreSQL asks the trigram index only for the rare words; the result stays exact. */
class SearchPatternTest {

    @Test
    void wordsAreTheRunsOfLettersAndDigits() {
        assertEquals(List.of("file", "4242"), SearchPattern.words("file-4242"));
        assertEquals(List.of("über", "x1"), SearchPattern.words("%über_.x1!"));
        assertEquals(List.of(), SearchPattern.words("-_%"));
    }

    @Test
    void commonWordsAreThoseInMoreThanHalfTheSampleAndOnlyIfARareLongWordRemains() {
        List<String> sample = List.of("file-1.jpg", "file-2.jpg", "file-3.png", "other.jpg");
        assertEquals(List.of("file", "jpg"), SearchPattern.commonWords(List.of("file", "4242", "jpg"), sample));
        assertEquals(List.of(), SearchPattern.commonWords(List.of("file", "jpg"), sample), "no rare word left");
        assertEquals(List.of(), SearchPattern.commonWords(List.of("file", "42"), sample), "42 gives no trigram");
        assertEquals(List.of(), SearchPattern.commonWords(List.of("file", "4242"), List.of()), "no sample");
    }

    @Test
    void theIndexPatternReplacesCommonWordsByWildcardsAndKeepsTheRestEscaped() {
        assertEquals("%-4242%", SearchPattern.likeWithout("file-4242", List.of("file")));
        assertEquals("%-4242.%", SearchPattern.likeWithout("file-4242.jpg", List.of("file", "jpg")));
        assertEquals("%!%!_4242%", SearchPattern.likeWithout("%_4242", List.of()));
        assertEquals("%abc %", SearchPattern.likeWithout("abc file", List.of("file")));
        assertEquals("% abc%", SearchPattern.likeWithout("img abc", List.of("img")));
        assertEquals("%!%%", SearchPattern.likeWithout("%img", List.of("img")));
    }

    @Nested
    class OnPostgres extends CatalogTestSupport {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.postgres();
        }

        @Test
        void searchesWithCommonWordsFindExactlyTheFilenamesContainingTheText() throws Exception {
            List<Upload> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String ext = i % 3 == 0 ? "jpg" : i % 3 == 1 ? "PNG" : "txt";
                all.add(insert(upload(project).filename("File-" + i + "." + ext).createdAt(t(i)).build()));
            }
            all.add(insert(upload(project).filename("file-4242-copy.jpg").createdAt(t(400)).build()));
            all.add(insert(upload(project).filename("FILE_4242.jpg").createdAt(t(401)).build()));
            all.add(insert(upload(project).filename("4242-file.jpg").createdAt(t(402)).build()));
            all.add(insert(upload(project).filename("my%file-24.jpg").createdAt(t(403)).build()));
            all.add(insert(upload(project).filename("file-24 and file-4242").createdAt(t(404)).build()));
            insert(upload(otherProject).filename("file-4242.jpg").createdAt(t(405)).build());
            analyze();
            List<String> sample = sample();
            assertTrue(SearchPattern.commonWords(List.of("file", "4242"), sample).contains("file"),
                    "the planner's sample shows 'file' as common: " + sample.size() + " names");

            for (String search : List.of("file-4242", "FILE-42", "file_4242", "4242-file", "file-24.jpg", "e-1.p",
                    "%file-", "file-99.txt", "file-2", "file-24 and file")) {
                List<Upload> expected = all.stream()
                        .filter(u -> u.filename().toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT)))
                        .toList();
                UploadQuery query = UploadQuery.builder().sort(UploadQuery.Sort.CREATED_AT)
                        .order(UploadQuery.Order.ASC).search(search).build();
                List<Upload> found = new ArrayList<>(list(query, PageRequest.first(100)).items());
                assertEquals(expected.stream().map(Upload::filename).limit(100).toList(),
                        found.stream().map(Upload::filename).toList(), search);
                assertEquals(expected.size(), list(query, PageRequest.first(1)).total(), search);
            }
        }

        @Test
        void aSearchIsPlannedForItsOwnPatternEachTimeNeverPreparedOnTheServer() throws Exception {
            insert(upload(project).filename("file-1.jpg").folder("a").createdAt(t(1)).build());
            insert(upload(project).filename("file-10.jpg").folder("a").createdAt(t(2)).build());
            TestDatabase db = (TestDatabase) fixture;
            // One connection, so the statements the driver prepared on the server are all in the session we read.
            try (UploadkitDatabase single = UploadkitDatabase.builder().jdbcUrl(db.jdbcUrl())
                    .username(db.username()).password(db.password()).maximumPoolSize(1).migrate(false).build()) {
                UploadQuery search = UploadQuery.builder().search("file-1").build();
                UploadQuery folder = UploadQuery.builder().folder("a").build();
                for (int i = 0; i < 8; i++) {
                    // per_page=1 of two matches: the page and the capped count both run.
                    assertEquals(2, single.catalog().inTransaction(
                            t -> t.uploads().list(project, search, PageRequest.first(1))).total());
                    assertEquals(2, single.catalog().inTransaction(
                            t -> t.uploads().list(project, folder, PageRequest.first(1))).total());
                }
                List<String> prepared = new ArrayList<>();
                try (Connection c = single.dataSource().getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT statement FROM pg_prepared_statements")) {
                    while (rs.next()) {
                        prepared.add(rs.getString(1));
                    }
                }
                assertTrue(prepared.stream().anyMatch(sql -> sql.contains("u.folder =")),
                        "the folder list, run as often, was prepared on the server: " + prepared);
                assertTrue(prepared.stream().noneMatch(sql -> sql.contains("search_name")),
                        "a search statement was prepared on the server (one generic plan for every pattern): "
                                + prepared);
            }
        }

        private void analyze() throws Exception {
            try (Connection c = ((TestDatabase) fixture).dataSource().getConnection();
                 Statement s = c.createStatement()) {
                s.execute("ANALYZE uploads");
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
        }

        private List<String> sample() throws Exception {
            List<String> names = new ArrayList<>();
            try (Connection c = ((TestDatabase) fixture).dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT unnest(histogram_bounds::text::text[]) FROM pg_stats"
                         + " WHERE schemaname = current_schema() AND tablename = 'uploads'"
                         + " AND attname = 'search_name'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return Collections.unmodifiableList(names);
        }
    }

    @Nested
    class OnMariaDb extends TableScanSearch {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.mariadb();
        }
    }

    @Nested
    class OnH2 extends TableScanSearch {
        @Override
        protected CatalogFixture openFixture() {
            return TestDatabases.h2();
        }
    }

    /** Search by a scan of the table: when it is chosen, and that every kind of page stays exact with it. */
    abstract class TableScanSearch extends CatalogTestSupport {
        @Test
        void aProjectWithATenthOfTheTableOrMoreIsSearchedByAScanOfTheTable() throws Exception {
            for (int i = 0; i < 30; i++) {
                insert(upload(project).filename("big-" + i + ".txt").createdAt(t(i)).build());
            }
            insert(upload(otherProject).filename("small.txt").createdAt(t(100)).build());
            Jdbi jdbi = Jdbi.create(((TestDatabase) fixture).dataSource());
            SearchPattern search = new SearchPattern();
            jdbi.useHandle(h -> {
                Vendor vendor = Vendor.fromProductName(h.getConnection().getMetaData().getDatabaseProductName());
                h.execute("ANALYZE TABLE " + (vendor == Vendor.H2 ? "UPLOADS" : "uploads"));
                assertTrue(search.scansTable(h, vendor, 30), "30 of 31 rows");
                assertTrue(search.scansTable(h, vendor, 4), "4 of 31 rows: more than a tenth");
                assertFalse(search.scansTable(h, vendor, 1), "1 of 31 rows: the index walk");
            });
        }

        @Test
        void searchesByTableScanFindExactlyTheMatchesOnEveryKindOfPage() {
            List<Upload> all = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                all.add(insert(upload(project).filename("File-" + i + (i % 2 == 0 ? ".jpg" : ".TXT"))
                        .createdAt(t(i)).build()));
            }
            insert(upload(otherProject).filename("file-1.jpg").createdAt(t(500)).build());
            UploadQuery query = UploadQuery.builder().sort(UploadQuery.Sort.CREATED_AT).order(UploadQuery.Order.ASC)
                    .search("LE-1").build();
            List<String> expected = all.stream().map(Upload::filename)
                    .filter(name -> name.toLowerCase(Locale.ROOT).contains("le-1")).toList();
            var first = list(query, PageRequest.first(10));
            assertEquals(expected.subList(0, 10), first.items().stream().map(Upload::filename).toList());
            assertEquals(expected.size(), first.total());
            var second = list(query, new PageRequest(2, 10, null));
            assertEquals(expected.subList(10, 20), second.items().stream().map(Upload::filename).toList());
            var byCursor = list(query, new PageRequest(1, 10, first.nextCursor()));
            assertEquals(expected.subList(10, 20), byCursor.items().stream().map(Upload::filename).toList());
        }
    }
}
