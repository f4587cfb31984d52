package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServletConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void theBuilderRefusesBadValuesNamingTheProperty() {
        UploadServlet.Builder b = UploadServlet.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.signingKey("too short")).getMessage()
                .startsWith("signingKey:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.signingKey(new byte[31])).getMessage()
                .startsWith("signingKey:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.downloadTokenTtl(Duration.ZERO))
                .getMessage().startsWith("downloadTokenTtl:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.publicBaseUrl("ftp://x/y")).getMessage()
                .startsWith("publicBaseUrl:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.publicBaseUrl("https://x/y?q=1"))
                .getMessage().startsWith("publicBaseUrl:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxFileCount(0)).getMessage()
                .startsWith("maxFileCount:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxRequestSize(DataSize.ofBytes(10)))
                .getMessage().startsWith("maxRequestSize:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxFormFieldSize(DataSize.ofBytes(1)))
                .getMessage().startsWith("maxFormFieldSize:"));
        assertTrue(assertThrows(IllegalStateException.class, b::build).getMessage().startsWith("uploadService:"));
    }

    @Test
    void accessServiceIsRequiredUnlessAnAuthenticatorIsSet() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            UploadService uploads = s.uploads;
            assertTrue(assertThrows(IllegalStateException.class,
                    () -> UploadServlet.builder().uploadService(uploads).build()).getMessage()
                    .startsWith("accessService:"));
            UploadServlet.builder().uploadService(uploads).authenticator(r -> Optional.empty()).build();
        }
    }

    @Test
    void aConfiguredPublicBaseUrlIsUsedForLinks() throws Exception {
        try (TestServer s = TestServer.builder(dir)
                .servlet(b -> b.publicBaseUrl("https://files.example.com/v1/external/")).start()) {
            TestServer.Response r = s.upload("linked.bin", TestContent.random(1, 10));
            JsonNode u = r.data();
            assertTrue(u.get("download_url").asText().startsWith("https://files.example.com/v1/external/files/"
                    + u.get("uuid").asText() + "/download?token="));
            assertEquals("https://files.example.com/v1/external/files/" + u.get("uuid").asText(),
                    r.header("Location").orElseThrow());
        }
    }

    @Test
    void aHostAuthenticatorMapsItsUsersAndCanFallBackToKeys() throws Exception {
        try (TestServer s = TestServer.builder(dir).authenticator(access -> {
            UUID aliceProject = access.createProject("Alice's workspace", "free").id();
            Authenticator host = request -> "alice".equals(request.getHeader("X-User"))
                    ? Optional.of(new Principal(aliceProject, null,
                            Set.of(Permission.FILES_READ, Permission.FILES_WRITE), false))
                    : Optional.empty();
            return host.orElse(Authenticator.apiKeys(access));
        }).start()) {
            TestServer.Response asAlice = s.send(s.request("files/upload", null).header("X-User", "alice")
                    .header("Content-Type", Multipart.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                            Multipart.form().file("alice.bin", TestContent.random(2, 10)).bytes())));
            assertEquals(201, asAlice.status(), asAlice.text());
            String uuid = asAlice.data().get("uuid").asText();
            assertEquals(200, s.send(s.request("files/" + uuid, null).header("X-User", "alice").GET()).status());
            assertEquals(403, s.send(s.request("files/" + uuid, null).header("X-User", "alice").DELETE()).status());
            assertEquals(404, s.get("files/" + uuid).status(), "the key's project does not see Alice's file");
            assertEquals(200, s.get("files").status());
            assertEquals(401, s.send(s.request("files", null).header("X-User", "mallory").GET()).status());
        }
    }

    @Test
    void aConfiguredMaxRequestSizeIsEnforcedWithOrWithoutAContentLength() throws Exception {
        try (TestServer s = TestServer.builder(dir).servlet(b -> b.maxRequestSize(DataSize.ofKibibytes(64))).start()) {
            byte[] body = Multipart.form().file("big.bin", TestContent.random(3, 70_000)).bytes();
            List<HttpRequest.BodyPublisher> bodies = List.of(HttpRequest.BodyPublishers.ofByteArray(body),
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
            for (HttpRequest.BodyPublisher publisher : bodies) {
                TestServer.Response r = s.send(s.request("files/upload", s.key)
                        .header("Content-Type", Multipart.contentType()).POST(publisher));
                assertEquals(413, r.status(), r.text());
                assertEquals("FILE_TOO_LARGE", r.errorCode());
            }
            assertEquals(List.of(), s.storedFiles());
            assertEquals(0, s.uploadCount(s.project.id()));
        }
    }
}
