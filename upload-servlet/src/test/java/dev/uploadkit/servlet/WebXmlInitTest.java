package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.UnavailableException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servlet created by a container through its no-argument constructor, configured by init-params. */
class WebXmlInitTest {
    private static final String ADMIN_KEY = "uk_webxmlAdmin1_0123456789abcdefghijABCDEFGHIJKL";

    @TempDir
    Path dir;

    private Map<String, String> params(boolean namedFactory) {
        Map<String, String> p = new LinkedHashMap<>();
        if (namedFactory) {
            p.put(UploadServlet.FACTORY_PARAM, TestComponents.class.getName());
        }
        p.put("database-url", "jdbc:h2:mem:webxml-" + UUID.randomUUID());
        p.put("data-dir", dir.resolve("data").toString());
        p.put(UploadServlet.SIGNING_KEY_PARAM, TestServer.SIGNING_KEY);
        p.put(UploadServlet.PUBLIC_BASE_URL_PARAM, "https://files.example.com/v1/external/");
        p.put(UploadServlet.DOWNLOAD_TOKEN_TTL_PARAM, "PT10M");
        p.put(UploadServlet.MAX_REQUEST_SIZE_PARAM, "64MB");
        p.put(UploadServlet.MAX_FORM_FIELD_SIZE_PARAM, "16KB");
        p.put(UploadServlet.MAX_FILE_COUNT_PARAM, "3");
        p.put("admin-key", ADMIN_KEY);
        return p;
    }

    private void runInJetty(Map<String, String> initParams) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(UploadServlet.class);
        initParams.forEach(holder::setInitParameter);
        holder.setInitOrder(1);
        context.addServlet(holder, "/v1/external/*");
        jetty.setHandler(context);
        int closedBefore = TestComponents.CLOSED.get();
        jetty.start();
        try {
            String base = "http://127.0.0.1:" + connector.getLocalPort() + "/v1/external";
            HttpClient http = HttpClient.newHttpClient();
            byte[] bytes = TestContent.random(5, 1000);
            HttpResponse<byte[]> up = http.send(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                    .header("X-API-Key", ADMIN_KEY).header("Content-Type", Multipart.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Multipart.form().file("w.bin", bytes).bytes()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(201, up.statusCode(), new String(up.body()));
            JsonNode u = TestServer.JSON.readTree(up.body()).get("data");
            String url = u.get("download_url").asText();
            assertTrue(url.startsWith("https://files.example.com/v1/external/files/" + u.get("uuid").asText()
                    + "/download?token="), url);

            String local = base + url.substring("https://files.example.com/v1/external".length());
            HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(URI.create(local)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, down.statusCode());
            assertArrayEquals(bytes, down.body());

            Multipart tooMany = Multipart.form().field("a", "1").field("b", "2").field("c", "3").file("x.bin", bytes);
            HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                    .header("X-API-Key", ADMIN_KEY).header("Content-Type", Multipart.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(tooMany.bytes())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(422, refused.statusCode(), "max-file-count applies");

            HttpResponse<byte[]> admin = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/projects"))
                    .header("X-API-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, admin.statusCode());
        } finally {
            jetty.stop();
        }
        assertEquals(closedBefore + 1, TestComponents.CLOSED.get(), "destroy closes the registered resources");
    }

    @Test
    void theFactoryInitParamNamesTheComponents() throws Exception {
        runInJetty(params(true));
    }

    @Test
    void withoutTheParamTheServiceLoaderFindsThem() throws Exception {
        runInJetty(params(false));
    }

    @Test
    void badInitParamsStopInitWithAMessageNamingThem() {
        Map<String, String> unknownClass = params(true);
        unknownClass.put(UploadServlet.FACTORY_PARAM, "com.example.Missing");
        assertTrue(initFailure(unknownClass).contains(UploadServlet.FACTORY_PARAM));

        Map<String, String> notComponents = params(true);
        notComponents.put(UploadServlet.FACTORY_PARAM, String.class.getName());
        assertTrue(initFailure(notComponents).contains("does not implement"));

        Map<String, String> shortKey = params(true);
        shortKey.put(UploadServlet.SIGNING_KEY_PARAM, "short");
        assertTrue(initFailure(shortKey).contains("signingKey"));

        Map<String, String> badSize = params(true);
        badSize.put(UploadServlet.MAX_REQUEST_SIZE_PARAM, "lots");
        assertTrue(initFailure(badSize).contains(UploadServlet.MAX_REQUEST_SIZE_PARAM));

        Map<String, String> badTtl = params(true);
        badTtl.put(UploadServlet.DOWNLOAD_TOKEN_TTL_PARAM, "an hour");
        assertTrue(initFailure(badTtl).contains(UploadServlet.DOWNLOAD_TOKEN_TTL_PARAM));
    }

    private static String initFailure(Map<String, String> params) {
        UploadServlet servlet = new UploadServlet();
        UnavailableException e = assertThrows(UnavailableException.class, () -> servlet.init(config(params)));
        return e.getMessage();
    }

    private static ServletConfig config(Map<String, String> params) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return "uploadkit";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
