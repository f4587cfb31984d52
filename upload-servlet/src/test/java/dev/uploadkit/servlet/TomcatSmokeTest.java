package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same servlet in embedded Tomcat: it uses no Jetty type and behaves the same. */
class TomcatSmokeTest {
    @TempDir
    Path dir;

    @Test
    void uploadListAndDownloadInTomcat() throws Exception {
        try (TestServer services = TestServer.start(dir.resolve("store"))) {
            UploadServlet servlet = UploadServlet.builder().uploadService(services.uploads)
                    .accessService(services.access).signingKey(TestServer.SIGNING_KEY).build();
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", Files.createDirectories(dir.resolve("docs")).toString());
            Tomcat.addServlet(context, "uploadkit", servlet);
            context.addServletMappingDecoded(TestServer.MOUNT + "/*", "uploadkit");
            tomcat.start();
            try {
                String base = "http://127.0.0.1:" + connector.getLocalPort() + TestServer.MOUNT;
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                byte[] bytes = TestContent.random(99, 300_000);

                HttpResponse<byte[]> up = http.send(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                        .header("X-API-Key", services.key).header("Content-Type", Multipart.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Multipart.form().file("tomcat.bin", bytes).field("folder", "cat").bytes()))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(201, up.statusCode(), new String(up.body()));
                JsonNode u = TestServer.JSON.readTree(up.body()).get("data");
                assertEquals("cat", u.get("folder").asText());
                String downloadUrl = u.get("download_url").asText();
                assertTrue(downloadUrl.startsWith(base + "/files/"), downloadUrl);

                HttpResponse<byte[]> list = http.send(HttpRequest.newBuilder(URI.create(base + "/files"))
                        .header("X-API-Key", services.key).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, list.statusCode());
                assertEquals(u.get("uuid").asText(),
                        TestServer.JSON.readTree(list.body()).get("data").get(0).get("uuid").asText());

                HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(URI.create(downloadUrl)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, down.statusCode());
                assertArrayEquals(bytes, down.body());

                HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(downloadUrl))
                        .header("Range", "bytes=-10").build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(206, range.statusCode());
                assertEquals(10, range.body().length);

                HttpResponse<byte[]> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(base + "/files"))
                        .header("X-API-Key", services.key).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(405, wrongMethod.statusCode());
                assertEquals("METHOD_NOT_ALLOWED",
                        TestServer.JSON.readTree(wrongMethod.body()).get("error").get("code").asText());
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
