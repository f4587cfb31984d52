package dev.uploadkit.servlet;

import dev.uploadkit.core.store.StoreIds;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input of every kind gets its 4xx envelope and leaves nothing behind: no file under the store's folder
 * (temporary files included) and no upload record. Each test runs against a fresh server and an empty store.
 */
class BadInputTest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private void assertNothingLeft() {
        assertEquals(List.of(), server.storedFiles(), "files left in the store");
        assertEquals(0, server.uploadCount(server.project.id()), "upload records left");
        assertEquals(0, server.get("files").data().size());
    }

    private static void assertError(TestServer.Response r, int status, String code) {
        assertEquals(status, r.status(), r.text());
        JsonNode json = r.json();
        assertFalse(json.get("success").asBoolean());
        assertEquals(code, json.get("error").get("code").asText());
        assertTrue(json.get("error").get("message").isTextual());
        assertTrue(json.get("error").get("details").isObject());
    }

    private static void assertFieldError(TestServer.Response r, String field) {
        assertError(r, 422, "VALIDATION_ERROR");
        JsonNode messages = r.json().get("error").get("details").get(field);
        assertTrue(messages != null && messages.isArray() && messages.size() > 0,
                "details name " + field + ": " + r.text());
    }

    private TestServer.Response postMultipart(String contentType, byte[] body) {
        HttpRequest.Builder r = server.request("files/upload", server.key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        return server.send(r);
    }

    @Test
    void noFilePartIsAValidationErrorOnFile() {
        TestServer.Response r = server.upload(server.key, Multipart.form().field("folder", "uploads"));
        assertFieldError(r, "file");
        assertEquals("The file field is required.", r.json().get("error").get("details").get("file").get(0).asText());
        assertNothingLeft();
    }

    @Test
    void aFileFieldWithoutFilenameIsNotAFile() {
        TestServer.Response r = server.upload(server.key, Multipart.form().field("file", "just text"));
        assertFieldError(r, "file");
        assertNothingLeft();
    }

    @Test
    void garbageWithAMultipartTypeIsMalformed() {
        TestServer.Response r = postMultipart(Multipart.contentType(),
                "this is not a multipart body at all".getBytes(StandardCharsets.UTF_8));
        assertError(r, 400, "PAYLOAD_MALFORMED");
        assertNothingLeft();
    }

    @Test
    void partHeadersThatNeverEndAreMalformed() {
        byte[] body = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"x.bin\"\r\n").getBytes(StandardCharsets.UTF_8);
        assertError(postMultipart(Multipart.contentType(), body), 400, "PAYLOAD_MALFORMED");
        assertNothingLeft();
    }

    @Test
    void aBodyWithoutItsClosingDelimiterIsMalformedAndTheStreamedFileIsRemoved() {
        byte[] body = Multipart.form().file("cut.bin", TestContent.random(5, 200_000)).unterminated();
        assertError(postMultipart(Multipart.contentType(), body), 400, "PAYLOAD_MALFORMED");
        assertNothingLeft();
    }

    @Test
    void aClientThatStopsSendingMidFileGets400AndLeavesNothing() {
        byte[] body = Multipart.form().field("folder", "cut").file("big.bin", TestContent.random(6, 300_000))
                .bytes();
        byte[] head = server.rawHead("POST", "files/upload", Multipart.contentType(), body.length)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] sent = new byte[head.length + body.length / 2];
        System.arraycopy(head, 0, sent, 0, head.length);
        System.arraycopy(body, 0, sent, head.length, body.length / 2);

        String answer = server.raw(sent, true);

        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        if (server.container().servletAnswersBrokenBodies()) {
            assertTrue(answer.contains("\"PAYLOAD_MALFORMED\""), answer);
        }
        assertNothingLeft();
    }

    @Test
    void aMissingBoundaryIsMalformed() {
        byte[] body = Multipart.form().file("a.txt", "abc".getBytes(StandardCharsets.UTF_8)).bytes();
        assertError(postMultipart("multipart/form-data", body), 400, "PAYLOAD_MALFORMED");
        String answer = server.raw(concat(server.rawHead("POST", "files/upload", "multipart/form-data; charset=utf-8",
                body.length).getBytes(StandardCharsets.US_ASCII), body), false);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertNothingLeft();
    }

    @Test
    void aBodyThatIsNotMultipartIsMalformed() {
        assertError(postMultipart("application/json", "{\"file\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                400, "PAYLOAD_MALFORMED");
        assertError(postMultipart(null, "raw bytes".getBytes(StandardCharsets.UTF_8)), 400, "PAYLOAD_MALFORMED");
        assertNothingLeft();
    }

    @Test
    void aSecondFilePartIsRefusedAndTheFirstIsRemoved() {
        TestServer.Response r = server.upload(server.key, Multipart.form()
                .file("one.bin", TestContent.random(1, 5000))
                .file("two.bin", TestContent.random(2, 5000)));
        assertFieldError(r, "file");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {5000, 200_000}) // held until the form ends; streamed as it arrives
    void anInvalidFieldAfterTheFileRemovesTheFile(int size) {
        TestServer.Response r = server.upload(server.key, Multipart.form()
                .file("ok.bin", TestContent.random(3, size))
                .field("is_public", "perhaps"));
        assertFieldError(r, "is_public");
        assertNothingLeft();

        assertFieldError(server.upload(server.key, Multipart.form().file("ok.bin", TestContent.random(3, 10))
                .field("content_disposition", "sideways")), "content_disposition");
        assertFieldError(server.upload(server.key, Multipart.form().file("ok.bin", TestContent.random(3, 10))
                .field("metadata[bad key!]", "v")), "metadata");
        assertFieldError(server.upload(server.key, Multipart.form().file("ok.bin", TestContent.random(3, 10))
                .field("folder", "a/" + "b".repeat(255))), "folder");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {5000, 200_000})
    void everyBadFieldIsNamedAtOnce(int size) {
        // A file over 64 KiB is streamed as it arrives, so only the fields after it can be gathered with those before.
        Multipart form = size <= 64 * 1024 ? Multipart.form().field("is_public", "maybe")
                .file("ok.bin", TestContent.random(5, size))
                : Multipart.form().file("ok.bin", TestContent.random(5, size)).field("is_public", "maybe");
        TestServer.Response r = server.upload(server.key, form.field("content_disposition", "foo").field("store", "x")
                .field("metadata[a b]", "1").field("folder", "f".repeat(256)));
        assertError(r, 422, "VALIDATION_ERROR");
        JsonNode details = r.json().get("error").get("details");
        for (String field : List.of("is_public", "content_disposition", "store", "folder")) {
            assertTrue(details.has(field), field + " in " + details);
        }
        assertTrue(details.toString().contains("metadata"), details.toString());
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 200_000})
    void anUnknownStorageAfterTheFileIsNotFoundAndRemovesTheFile(int size) {
        TestServer.Response r = server.upload(server.key, Multipart.form().file("s.bin", TestContent.random(4, size))
                .field("storage_id", "elsewhere"));
        assertError(r, 404, "NOT_FOUND");
        assertNothingLeft();
    }

    @Test
    void anUnknownStoreBeforeTheFileIsRefusedBeforeWriting() {
        TestServer.Response r = server.upload(server.key, Multipart.form().field("storage_id", "nowhere")
                .file("s.bin", TestContent.random(4, 10)));
        assertError(r, 404, "NOT_FOUND");
        assertNothingLeft();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"../etc/passwd|passwd", "a/b.txt|b.txt", "dir\\file.txt|file.txt",
            "C:\\Users\\me\\photo.jpg|photo.jpg", "/absolute.txt|absolute.txt", "..\\..\\x|x",
            "tab\there|tab_here"})
    void aPartFilenameLosesItsPathAndControlCharacters(String sent, String kept) {
        TestServer.Response r = server.upload(server.key, Multipart.form().field("folder", "in")
                .file(sent, TestContent.random(9, 10)));
        assertEquals(201, r.status(), r.text());
        assertEquals(kept, r.data().get("filename").asText());
        assertEquals("in/" + kept, r.data().get("object_key").asText());
        List<Path> files = server.storedFiles();
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).endsWith(Path.of("in", kept)), files.toString());
    }

    @Test
    void aNulInAPartFilenameIsNeutralisedToo() {
        TestServer.Response r = server.upload(server.key, Multipart.form().file("nul\u0000byte.txt",
                TestContent.random(9, 10)));
        assertEquals(201, r.status(), r.text());
        assertEquals("nul_byte.txt", r.data().get("filename").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/..", "dir/", "C:\\temp/", "x/."})
    void aPartFilenameWithNothingLeftOfItIsRefused(String filename) {
        TestServer.Response r = server.upload(server.key, Multipart.form().file(filename, TestContent.random(9, 10)));
        assertFieldError(r, "filename");
        assertNothingLeft();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"../etc/passwd|passwd", "..\\..\\windows|windows",
            "back\\slash.txt|slash.txt", "/etc/passwd|passwd", "bell\u0007.txt|bell_.txt"})
    void unsafeFilenameFieldsAreNeutralisedWhereverTheyStand(String filename, String kept) {
        byte[] first = TestContent.random(9, 10);
        TestServer.Response before = server.upload(server.key, Multipart.form().field("filename", filename)
                .file("fine.bin", first).field("folder", "in"));
        assertEquals(201, before.status(), before.text());
        assertEquals(kept, before.data().get("filename").asText());
        assertEquals("in/" + kept, before.data().get("object_key").asText());
        TestServer.Response after = server.upload(server.key, Multipart.form()
                .file("fine.bin", TestContent.random(10, 10)).field("filename", filename));
        assertEquals(201, after.status(), after.text());
        assertEquals(kept, after.data().get("object_key").asText());
        assertTrue(server.storedFiles().stream().allMatch(p -> p.getFileName().toString().equals(kept)),
                server.storedFiles().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"../x|x", "a/../../b|a/b", "a\\b|a/b", "/etc/x|etc/x", "./.|''",
            "x\u0001y/..|x_y", "..|''"})
    void unsafeFolderFieldsAreNeutralisedWhereverTheyStand(String folder, String kept) {
        TestServer.Response before = server.upload(server.key, Multipart.form().field("folder", folder)
                .file("f.bin", TestContent.random(11, 10)));
        assertEquals(201, before.status(), before.text());
        assertEquals(kept, before.data().get("folder").asText());
        assertEquals(kept.isEmpty() ? "f.bin" : kept + "/f.bin", before.data().get("object_key").asText());
        TestServer.Response after = server.upload(server.key, Multipart.form()
                .file("g.bin", TestContent.random(12, 10)).field("folder", folder));
        assertEquals(201, after.status(), after.text());
        assertEquals(kept.isEmpty() ? "g.bin" : kept + "/g.bin", after.data().get("object_key").asText());
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 200_000}) // held until the form ends; streamed as it arrives
    void aFilenameFieldAfterTheFileNamesAFileWhoseOwnNameIsUnusable(int size) {
        for (String unusable : List.of("..", "dir/", "x".repeat(300))) {
            byte[] bytes = TestContent.random(size % 97, size);
            TestServer.Response r = server.upload(server.key, Multipart.form().file(unusable, bytes)
                    .field("filename", "named-later.bin").field("folder", "late"));
            assertEquals(201, r.status(), r.text());
            assertEquals("named-later.bin", r.data().get("filename").asText());
            assertTrue(r.data().get("object_key").asText().startsWith("late/named-later"), r.text());
            assertArrayEquals(bytes, server.get("files/" + r.data().get("uuid").asText() + "/download").body());
            assertFieldError(server.upload(server.key, Multipart.form().file(unusable, bytes)), "filename");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "dir/", "a/..", "C:\\"})
    void aFilenameFieldWithNothingLeftOfItIsRefused(String filename) {
        TestServer.Response before = server.upload(server.key, Multipart.form().field("filename", filename)
                .file("fine.bin", TestContent.random(9, 10)));
        assertFieldError(before, "filename");
        TestServer.Response after = server.upload(server.key, Multipart.form()
                .file("fine.bin", TestContent.random(9, 10)).field("filename", filename));
        assertFieldError(after, "filename");
        assertNothingLeft();
    }

    @Test
    void blankOptionalFieldsAreNotGivenAsAnHtmlFormSendsThem() {
        for (boolean fileFirst : new boolean[] {false, true}) {
            Multipart form = Multipart.form();
            if (fileFirst) {
                form.file("kept.txt", TestContent.random(fileFirst ? 7 : 8, 10));
            }
            form.field("filename", "").field("is_public", " ").field("content_disposition", "")
                    .field("store", "").field("storage_id", "").field("folder", "");
            if (!fileFirst) {
                form.file("kept.txt", TestContent.random(8, 10));
            }
            TestServer.Response r = server.upload(server.key, form);
            assertEquals(201, r.status(), r.text());
            JsonNode u = r.data();
            assertEquals("kept.txt", u.get("filename").asText());
            assertFalse(u.get("is_public").asBoolean());
            assertEquals("attachment", u.get("content_disposition").asText());
            assertTrue(u.get("is_stored").asBoolean());
            assertEquals(StoreIds.wire("local"), u.get("storage_id").asText());
            assertEquals("", u.get("folder").asText());
        }
    }

    @Test
    void aTenThousandCharacterFilenameIsRefused() {
        String longName = "x".repeat(10_000) + ".txt";
        assertFieldError(server.upload(server.key, Multipart.form().file(longName, TestContent.random(9, 10))),
                "filename");
        assertFieldError(server.upload(server.key, Multipart.form().field("filename", longName)
                .file("a.bin", TestContent.random(9, 10))), "filename");
        assertNothingLeft();
    }

    @Test
    void partHeadersOverTheLimitAreMalformed() {
        String enormous = "y".repeat(100_000) + ".txt";
        assertError(server.upload(server.key, Multipart.form().file(enormous, TestContent.random(9, 10))),
                400, "PAYLOAD_MALFORMED");
        assertNothingLeft();
    }

    @Test
    void aFieldOverTheFieldSizeLimitIsRefused() {
        String huge = "m".repeat(70 * 1024);
        assertFieldError(server.upload(server.key, Multipart.form().field("metadata[big]", huge)
                .file("a.bin", TestContent.random(9, 10))), "metadata[big]");
        assertNothingLeft();
    }

    @Test
    void aNonAsciiFilenameIsKeptExactly() {
        String name = "отчёт «2025» naïve ✓.pdf";
        JsonNode u = server.uploaded(name, TestContent.pdf());
        assertEquals(name, u.get("filename").asText());
        assertEquals(name, server.get("files/" + u.get("uuid").asText()).data().get("filename").asText());

        TestServer.Response download = server.get("files/" + u.get("uuid").asText() + "/download");
        assertEquals(200, download.status());
        String disposition = download.header("Content-Disposition").orElseThrow();
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        assertTrue(disposition.startsWith("attachment; filename=\""), disposition);
        assertTrue(disposition.contains("filename*=UTF-8''" + encoded.replace("%C2%AB", "%C2%AB")), disposition);
        assertTrue(disposition.chars().allMatch(c -> c < 0x7F), "header is ASCII: " + disposition);
    }

    @Test
    void invalidJsonIsMalformed() {
        JsonNode u = server.uploaded("j.txt", "json".getBytes(StandardCharsets.UTF_8));
        String path = "files/" + u.get("uuid").asText();
        for (String body : List.of("{not json", "{\"filename\": \"a\"} trailing", "{\"a\":1,\"a\":2}", "")) {
            assertError(server.send("PATCH", path, server.key, body), 400, "PAYLOAD_MALFORMED");
        }
        assertError(server.send("POST", "files/check-hash", server.key, "[1,2"), 400, "PAYLOAD_MALFORMED");
        assertError(server.send("POST", "api-keys", server.key, "nope"), 400, "PAYLOAD_MALFORMED");
        assertEquals("j.txt", server.get(path).data().get("filename").asText());
    }

    @Test
    void wrongJsonTypesNameEachField() {
        JsonNode u = server.uploaded("t.txt", "types".getBytes(StandardCharsets.UTF_8));
        String path = "files/" + u.get("uuid").asText();

        TestServer.Response r = server.send("PATCH", path, server.key, """
                {"filename": 5, "folder": [], "is_public": "yes", "content_disposition": true,
                 "metadata": {"ok": "x", "n": 1}}""");
        assertError(r, 422, "VALIDATION_ERROR");
        JsonNode details = r.json().get("error").get("details");
        for (String field : List.of("filename", "folder", "is_public", "content_disposition", "metadata.n")) {
            assertTrue(details.has(field), field + " in " + details);
        }
        assertFieldError(server.send("PATCH", path, server.key, "[\"array\"]"), "body");
        assertFieldError(server.send("PATCH", path, server.key, "{\"filename\": null}"), "filename");
        assertFieldError(server.send("PATCH", path, server.key, "{\"metadata\": \"flat\"}"), "metadata");
        assertFieldError(server.send("PATCH", path, server.key, "{\"filename\": \"../up\"}"), "filename");
        assertFieldError(server.send("POST", "files/check-hash", server.key, "{\"hash\": 12}"), "hash");
        assertFieldError(server.send("POST", "files/check-hash", server.key, "{}"), "hash");
        assertFieldError(server.send("POST", "files/check-hash", server.key, "{\"hash\": \"abc\"}"), "hash");
        assertFieldError(server.send("POST", "api-keys", server.key, "{\"name\": \"k\", \"permissions\": \"all\"}"),
                "permissions");
        assertFieldError(server.send("POST", "api-keys", server.key,
                "{\"name\": \"k\", \"permissions\": [\"files:fly\"]}"), "permissions");
        assertFieldError(server.send("POST", "api-keys", server.key, "{\"permissions\": [\"files:read\"]}"), "name");
        assertEquals("t.txt", server.get(path).data().get("filename").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"per_page=0", "per_page=101", "per_page=-1", "per_page=abc", "per_page=1.5",
            "per_page=99999999999999999999", "page=0", "page=-5", "page=abc", "page=9999999999"})
    void invalidPagingIsAValidationErrorNamingTheParameter(String query) {
        TestServer.Response r = server.get("files?" + query);
        assertFieldError(r, query.substring(0, query.indexOf('=')));
        assertFieldError(server.get("files/trash?" + query), query.substring(0, query.indexOf('=')));
    }

    @Test
    void aPageNumberTooLargeForAnyRangeIsToldTheRange() {
        for (String query : List.of("page=2147483647", "page=99999999999999999999")) {
            TestServer.Response r = server.get("files?" + query);
            assertFieldError(r, "page");
            assertTrue(r.text().contains("between 1 and 1000000"), r.text());
        }
        assertTrue(server.get("files?per_page=99999999999999999999").text().contains("between 1 and 100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sort=size", "order=sideways", "status=done", "is_public=maybe", "is_stored=2",
            "created_from=yesterday", "created_to=2025-13-01", "mime_type=image", "cursor=not-a-cursor"})
    void invalidFiltersAreValidationErrorsNamingTheParameter(String query) {
        assertFieldError(server.get("files?" + query), query.substring(0, query.indexOf('=')));
    }

    @Test
    void severalInvalidParametersAreReportedTogether() {
        TestServer.Response r = server.get("files?per_page=0&sort=nope&order=up");
        assertError(r, 422, "VALIDATION_ERROR");
        JsonNode details = r.json().get("error").get("details");
        assertTrue(details.has("per_page") && details.has("sort") && details.has("order"), details.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
