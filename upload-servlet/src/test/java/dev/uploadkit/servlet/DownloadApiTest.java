package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownloadApiTest extends SharedServerTest {

    private static String downloadPath(JsonNode upload) {
        return "files/" + upload.get("uuid").asText() + "/download";
    }

    private static TestServer.Response download(JsonNode upload, String... headers) {
        HttpRequest.Builder r = server.request(downloadPath(upload), server.key).GET();
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return server.send(r);
    }

    @Test
    void aKeyWithFilesReadGetsTheBytesAndTheHeaders() {
        byte[] png = TestContent.png(30, 20);
        JsonNode u = server.uploaded("pixel.png", png);

        TestServer.Response r = download(u);

        assertEquals(200, r.status());
        assertArrayEquals(png, r.body());
        assertEquals("image/png", r.header("Content-Type").orElseThrow());
        assertEquals(Integer.toString(png.length), r.header("Content-Length").orElseThrow());
        assertEquals("bytes", r.header("Accept-Ranges").orElseThrow());
        assertEquals("\"" + TestContent.sha256(png) + "\"", r.header("ETag").orElseThrow());
        assertEquals("nosniff", r.header("X-Content-Type-Options").orElseThrow());
        assertEquals("attachment; filename=\"pixel.png\"; filename*=UTF-8''pixel.png",
                r.header("Content-Disposition").orElseThrow());
    }

    @Test
    void inlineIsHonouredButActiveContentIsAlwaysAnAttachment() {
        JsonNode image = server.uploaded(server.key, Multipart.form().field("content_disposition", "inline")
                .file("in.png", TestContent.png(2, 2)));
        assertTrue(download(image).header("Content-Disposition").orElseThrow().startsWith("inline; "));

        JsonNode html = server.uploaded(server.key, Multipart.form().field("content_disposition", "inline")
                .file("page.html", "<html><body><script>alert(1)</script></body></html>"
                        .getBytes(StandardCharsets.UTF_8)));
        TestServer.Response r = download(html);
        assertTrue(r.header("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(r.header("Content-Disposition").orElseThrow().startsWith("attachment; "));
    }

    @Test
    void rangesAreServedAsPartialContent() {
        byte[] bytes = TestContent.random(42, 1000);
        JsonNode u = server.uploaded("range.bin", bytes);

        TestServer.Response first = download(u, "Range", "bytes=0-9");
        assertEquals(206, first.status());
        assertEquals("bytes 0-9/1000", first.header("Content-Range").orElseThrow());
        assertEquals("10", first.header("Content-Length").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), first.body());

        TestServer.Response open = download(u, "Range", "bytes=990-");
        assertEquals(206, open.status());
        assertArrayEquals(Arrays.copyOfRange(bytes, 990, 1000), open.body());

        TestServer.Response suffix = download(u, "Range", "bytes=-5");
        assertEquals("bytes 995-999/1000", suffix.header("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(bytes, 995, 1000), suffix.body());

        TestServer.Response past = download(u, "Range", "bytes=500-99999");
        assertEquals("bytes 500-999/1000", past.header("Content-Range").orElseThrow());
        assertEquals(500, past.body().length);

        for (String ignored : new String[] {"bytes=0-1,5-6", "bytes=abc", "items=0-1", "bytes=9-3"}) {
            TestServer.Response whole = download(u, "Range", ignored);
            assertEquals(200, whole.status(), ignored);
            assertArrayEquals(bytes, whole.body());
        }

        String etag = download(u).header("ETag").orElseThrow();
        assertEquals(206, download(u, "Range", "bytes=0-0", "If-Range", etag).status());
        assertEquals(200, download(u, "Range", "bytes=0-0", "If-Range", "\"other\"").status());
    }

    @Test
    void unsatisfiableRangesAre416WithTheSize() {
        JsonNode u = server.uploaded("small.bin", TestContent.random(43, 100));
        for (String range : new String[] {"bytes=100-", "bytes=100-200", "bytes=-0"}) {
            TestServer.Response r = download(u, "Range", range);
            assertEquals(416, r.status(), range);
            assertEquals("bytes */100", r.header("Content-Range").orElseThrow());
            assertEquals("VALIDATION_ERROR", r.errorCode(), "the contract's envelope");
            assertTrue(r.json().get("error").get("details").has("range"), r.text());
            assertTrue(r.header("Content-Disposition").isEmpty(), "the error is not the file");
        }
    }

    @Test
    void aMatchingIfNoneMatchIs304() {
        JsonNode u = server.uploaded("etag.bin", TestContent.random(44, 300));
        String etag = download(u).header("ETag").orElseThrow();

        for (String match : new String[] {etag, "W/" + etag, "\"x\", " + etag, "*"}) {
            TestServer.Response r = download(u, "If-None-Match", match);
            assertEquals(304, r.status(), match);
            assertEquals(0, r.body().length);
            assertEquals(etag, r.header("ETag").orElseThrow());
            r.header("Content-Length").ifPresent(length -> assertEquals("300", length, "RFC 9110 §8.6"));
        }
        assertEquals(200, download(u, "If-None-Match", "\"something-else\"").status());
    }

    @Test
    void aSignedUrlWorksWithoutAKeyUntilItExpires() {
        byte[] bytes = TestContent.random(45, 2048);
        JsonNode u = server.uploaded("signed.bin", bytes);
        String url = u.get("download_url").asText();
        assertTrue(url.contains("?token="), url);

        TestServer.Response ok = server.get(url, null);
        assertEquals(200, ok.status());
        assertArrayEquals(bytes, ok.body());

        server.clock.advance(Duration.ofMinutes(59));
        assertEquals(200, server.get(url, null).status());
        server.clock.advance(Duration.ofMinutes(2));
        TestServer.Response expired = server.get(url, null);
        assertEquals(401, expired.status());
        assertEquals("UNAUTHENTICATED", expired.errorCode());
    }

    @Test
    void aTamperedOrMisusedTokenIs401() {
        JsonNode u = server.uploaded("tamper.bin", TestContent.random(46, 64));
        JsonNode other = server.uploaded("other.bin", TestContent.random(47, 64));
        String url = u.get("download_url").asText();
        String token = url.substring(url.indexOf("token=") + 6);

        char last = token.charAt(token.length() - 2);
        String flipped = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        for (String bad : new String[] {flipped, token.substring(1), "garbage", "!!!"}) {
            TestServer.Response r = server.get(downloadPath(u) + "?token=" + bad, null);
            assertEquals(401, r.status(), bad);
            assertEquals("UNAUTHENTICATED", r.errorCode());
        }
        assertEquals(401, server.get(downloadPath(other) + "?token=" + token, null).status());
    }

    @Test
    void aPublicFileWithoutAPublicBaseUrlGetsASignedLinkAndNoPermanentOne() {
        byte[] bytes = "public bytes".getBytes(StandardCharsets.UTF_8);
        JsonNode u = server.uploaded(server.key, Multipart.form().field("is_public", "true").file("pub.txt", bytes));
        String url = u.get("download_url").asText();
        assertTrue(url.startsWith(server.base() + "/" + downloadPath(u) + "?token="), url);

        TestServer.Response r = server.get(url, null);
        assertEquals(200, r.status());
        assertArrayEquals(bytes, r.body());
        assertEquals("private", r.header("Cache-Control").orElseThrow());

        TestServer.Response permanent = server.get(downloadPath(u) + "?project=" + server.project.id(), null);
        assertEquals(401, permanent.status());
        assertEquals("UNAUTHENTICATED", permanent.errorCode());

        server.send("PATCH", "files/" + u.get("uuid").asText(), server.key, "{\"is_public\": false}");
        assertEquals(200, server.get(url, null).status(), "the signed link serves the file, public or not");
    }

    @Test
    void aPrivateFileWithoutCredentialsIs401() {
        JsonNode u = server.uploaded("private.bin", TestContent.random(48, 10));
        TestServer.Response r = server.get(downloadPath(u), null);
        assertEquals(401, r.status());
        assertEquals("UNAUTHENTICATED", r.errorCode());
        assertEquals(401, server.get(downloadPath(u) + "?project=" + server.project.id(), null).status());
        assertEquals(401, server.get(downloadPath(u), "uk_wrongwrongwr_wrongwrongwrongwrongwrongwrongwron")
                .status());
    }

    @Test
    void aKeyWithoutFilesReadIsForbidden() {
        JsonNode u = server.uploaded("perm.bin", TestContent.random(49, 10));
        TestServer.Response r = server.get(downloadPath(u), server.keyWith(Permission.KEYS_MANAGE));
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN", r.errorCode());
    }

    @Test
    void headAnswersHeadersOnlyAndTrashedFilesAreNotServed() {
        byte[] bytes = TestContent.random(50, 777);
        JsonNode u = server.uploaded("head.bin", bytes);
        TestServer.Response head = server.send(server.request(downloadPath(u), server.key)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.status());
        assertEquals("777", head.header("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);

        String signed = u.get("download_url").asText();
        server.send("DELETE", "files/" + u.get("uuid").asText(), server.key, null);
        assertEquals(404, download(u).status());
        assertEquals(404, server.get(signed, null).status());
    }

    @Test
    void largeFilesStreamIntact() {
        byte[] bytes = TestContent.random(51, 6 * 1024 * 1024 + 123);
        JsonNode u = server.uploaded("large.bin", bytes);
        assertEquals(bytes.length, u.get("size_bytes").asLong());
        TestServer.Response r = download(u);
        assertEquals(200, r.status());
        assertEquals(TestContent.sha256(bytes), TestContent.sha256(r.body()));
    }

    @Test
    void anEmptyFileDownloadsEmptyAndAnyRangeIsUnsatisfiable() {
        JsonNode u = server.uploaded("empty.txt", new byte[0]);
        TestServer.Response r = download(u);
        assertEquals(200, r.status());
        assertEquals(0, r.body().length);
        assertEquals(416, download(u, "Range", "bytes=0-").status());
    }
}
