package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The findings of a black-box run of hostile requests (issue 8, 5a–5d and 5f): each is answered with its 4xx
 * envelope, never a 500, and changes nothing.
 */
class HostileInputTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static String uuid;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        uuid = server.uploaded("target.txt", "hostile".getBytes(StandardCharsets.UTF_8)).get("uuid").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static void assertError(TestServer.Response r, int status, String code) {
        assertEquals(status, r.status(), r.text());
        JsonNode json = r.json();
        assertFalse(json.get("success").asBoolean());
        assertEquals(code, json.get("error").get("code").asText());
        assertTrue(json.get("error").get("details").isObject());
    }

    /** (route, body) pairs: every route that reads a JSON body, each with a hostile document. */
    static Stream<List<String>> hostileJson() {
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        String deepArray = "{\"metadata\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        String longNumber = "{\"filename\": " + "9".repeat(5000) + "}";
        String longName = "{\"" + "k".repeat(60 * 1024) + "\": \"v\"}";
        List<String> bodies = List.of(deep, deepArray, longNumber, longName);
        List<String[]> routes = List.of(new String[] {"PATCH", "files/{uuid}"},
                new String[] {"POST", "files/check-hash"}, new String[] {"POST", "api-keys"},
                new String[] {"POST", "admin/projects"}, new String[] {"POST", "files/bulk-delete"},
                new String[] {"POST", "files/{uuid}/copy"}, new String[] {"PUT", "files/{uuid}/metadata/k"});
        return routes.stream().flatMap(r -> bodies.stream().map(b -> List.of(r[0], r[1], b)));
    }

    @ParameterizedTest
    @MethodSource("hostileJson")
    void hostileJsonIsMalformedNotAServerError(List<String> request) {
        String path = request.get(1).replace("{uuid}", uuid);
        String key = request.get(1).startsWith("admin/") ? server.adminKey : server.key;
        TestServer.Response r = server.send(request.get(0), path, key, request.get(2));
        assertError(r, 400, "PAYLOAD_MALFORMED");
        assertEquals("target.txt", server.get("files/" + uuid).data().get("filename").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"files?search=%zz", "files?search=%ff%fe", "files?folder=%c0%af", "files?mime_type=%",
            "files/trash?page=%zz", "files?%zz=1", "files?search=%e2%82", "files?search=ok&folder=%"})
    void undecodableQueryStringsAreMalformed(String path) {
        assertRawError(server.raw(server.rawHead("GET", path, null, 0).getBytes(StandardCharsets.US_ASCII), false));
    }

    @Test
    void anUndecodableDownloadTokenIsMalformed() {
        String head = server.rawHead("GET", "files/" + uuid + "/download?token=%zz", null, 0)
                .replaceFirst("X-API-Key: [^\r]*\r\n", "");
        assertRawError(server.raw(head.getBytes(StandardCharsets.US_ASCII), false));
    }

    private static void assertRawError(String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"code\":\"PAYLOAD_MALFORMED\""), answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"files?search=a%00b", "files/trash?search=%07", "files?search=x%0Ay"})
    void aControlCharacterInASearchIsAValidationErrorOnEveryDatabase(String path) {
        // PostgreSQL refuses a NUL in any text: the search must be refused before it reaches the database.
        TestServer.Response r = server.get(path);
        assertError(r, 422, "VALIDATION_ERROR");
        assertTrue(r.json().get("error").get("details").has("search"), r.text());
    }

    @Test
    void decodableQueryStringsStillWork() {
        TestServer.Response r = server.get("files?search=target%2Etxt&folder=&per_page=5&mime_type=text%2F*");
        assertEquals(200, r.status(), r.text());
        assertEquals(1, r.data().size());
        assertEquals(200, server.get("files?search=no+such+file").status());
    }

    @Test
    void aBogusCharsetOnAMultipartTypeIsMalformed() {
        byte[] body = Multipart.form().file("c.txt", TestContent.random(11, 100)).bytes();
        TestServer.Response r = server.send(server.request("files/upload", server.key)
                .header("Content-Type", Multipart.contentType() + "; charset=x-bogus-charset")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
        assertError(r, 400, "PAYLOAD_MALFORMED");
        TestServer.Response json = server.send(server.request("files/" + uuid, server.key)
                .header("Content-Type", "application/json; charset=x-bogus-charset")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(200, json.status(), json.text());
    }

    @Test
    void invalidUtf8InAFormFieldIsAValidationErrorNamingTheField() {
        byte[] bad = {'c', 'a', 'f', (byte) 0xe9, (byte) 0xff};
        long before = server.uploadCount(server.project.id());
        TestServer.Response folder = server.upload(server.key, Multipart.form().field("folder", bad)
                .file("u.txt", TestContent.random(12, 100)));
        assertError(folder, 422, "VALIDATION_ERROR");
        assertTrue(folder.json().get("error").get("details").has("folder"), folder.text());

        TestServer.Response after = server.upload(server.key, Multipart.form()
                .file("u.txt", TestContent.random(12, 100)).field("metadata[k]", bad));
        assertError(after, 422, "VALIDATION_ERROR");
        assertTrue(after.json().get("error").get("details").has("metadata[k]"), after.text());
        assertEquals(before, server.uploadCount(server.project.id()));
    }

    @Test
    void aPartFilenameThatIsNotUtf8IsAValidationErrorNotReplacementCharacters() {
        long before = server.uploadCount(server.project.id());
        byte[] head = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"caf")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = (".bin\"\r\n\r\nabcdefgh\r\n--" + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xe9;
        body[head.length + 1] = (byte) 0xff;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        TestServer.Response raw = server.send(server.request("files/upload", server.key)
                .header("Content-Type", Multipart.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
        assertError(raw, 422, "VALIDATION_ERROR");
        assertTrue(raw.json().get("error").get("details").has("filename"), raw.text());

        byte[] extended = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename*=UTF-8''%FF%FE.bin\r\n\r\nabcdefgh\r\n--" + Multipart.BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        TestServer.Response star = server.send(server.request("files/upload", server.key)
                .header("Content-Type", Multipart.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(extended)));
        assertEquals(422, star.status(), star.text());
        assertEquals(before, server.uploadCount(server.project.id()));
    }

    @Test
    void binaryPartsUnderUnknownNamesAreIgnored() {
        byte[] png = dev.uploadkit.core.testing.TestImages.written("png", 3, 2);
        JsonNode u = server.uploaded(server.key, Multipart.form().file("doc.txt", "hello".getBytes(StandardCharsets.UTF_8))
                .file("thumbnail", "t.png", png).field("extra", new byte[] {(byte) 0xe9, (byte) 0xff})
                .field("folder", "kept"));
        assertEquals("kept/doc.txt", u.get("object_key").asText());
        assertEquals(5, u.get("size_bytes").asLong());
    }

    @Test
    void aCorruptImageIsStoredWithoutASize() {
        byte[] png = dev.uploadkit.core.testing.TestImages.written("png", 30, 20);
        JsonNode whole = server.uploaded("whole.png", png).get("content_info");
        assertEquals("image/png", whole.get("mime").asText());
        assertEquals(30, whole.get("image").get("width").asInt());
        assertEquals(20, whole.get("image").get("height").asInt());
        assertEquals("png", whole.get("image").get("format").asText());

        JsonNode cut = server.uploaded("cut.png", java.util.Arrays.copyOf(png, 24)).get("content_info");
        assertEquals("image/png", cut.get("mime").asText());
        assertTrue(cut.has("image") && cut.get("image").isNull(), cut.toString());
        JsonNode text = server.uploaded("t.txt", "text".getBytes(StandardCharsets.UTF_8)).get("content_info");
        assertTrue(text.get("image").isNull(), text.toString());
    }

    @Test
    void aKeyManagerCannotRevokeAnAdminKey() {
        String manager = server.keyWith(Permission.KEYS_MANAGE);
        JsonNode keys = server.get("api-keys", manager).data();
        String adminId = null;
        for (JsonNode k : keys) {
            if ("admin".equals(k.get("name").asText())) {
                adminId = k.get("id").asText();
            }
        }
        assertError(server.send("DELETE", "api-keys/" + adminId, manager, null), 403, "FORBIDDEN");
        assertEquals(200, server.get("files", server.adminKey).status());
    }
}
