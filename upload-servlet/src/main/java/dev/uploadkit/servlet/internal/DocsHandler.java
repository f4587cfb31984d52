package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.UploadException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code docs}: a Swagger UI page over {@code openapi.json}, its scripts and styles served from the
 * {@code org.webjars:swagger-ui} jar on the class path (same origin, no CDN). Off unless the host turns it on.
 */
final class DocsHandler {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The only files served; anything else is 404. */
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private final String root;

    private DocsHandler(String root) {
        this.root = root;
    }

    /** Returns the handler if Swagger UI is on the class path. */
    static Optional<DocsHandler> create() {
        ClassLoader loader = DocsHandler.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(POM)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties pom = new Properties();
            pom.load(in);
            String root = WEBJAR + pom.getProperty("version") + "/";
            return loader.getResource(root + "swagger-ui-bundle.js") == null ? Optional.empty()
                    : Optional.of(new DocsHandler(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(Router router) {
        router.add("GET", "docs", Access.SELF, this::page);
        router.add("GET", "docs/{asset}", Access.SELF, this::asset);
    }

    private void page(Exchange ex) throws IOException {
        String mount = ex.request().getContextPath() + (ex.request().getPathInfo() != null
                ? ex.request().getServletPath() : "");
        String html = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Uploadkit API</title>
                  <link rel="stylesheet" href="%1$s/docs/swagger-ui.css">
                  <link rel="icon" type="image/png" href="%1$s/docs/favicon-32x32.png">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="%1$s/docs/swagger-ui-bundle.js"></script>
                  <script src="%1$s/docs/swagger-ui-standalone-preset.js"></script>
                  <script>
                    window.ui = SwaggerUIBundle({url: "%1$s/openapi.json", dom_id: "#swagger-ui",
                      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
                  </script>
                </body>
                </html>
                """.formatted(htmlAttribute(mount));
        write(ex, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private void asset(Exchange ex) throws IOException {
        String name = ex.pathParam("asset");
        String type = ASSETS.get(name);
        if (type == null) {
            throw UploadException.notFound("Docs file");
        }
        byte[] bytes;
        try (InputStream in = DocsHandler.class.getClassLoader().getResourceAsStream(root + name)) {
            if (in == null) {
                throw UploadException.notFound("Docs file");
            }
            bytes = in.readAllBytes();
        }
        write(ex, type, bytes, "public, max-age=86400");
    }

    private static void write(Exchange ex, String type, byte[] bytes, String cacheControl) throws IOException {
        ex.response().setStatus(200);
        ex.response().setContentType(type);
        ex.response().setHeader("Cache-Control", cacheControl);
        ex.response().setHeader("X-Content-Type-Options", "nosniff");
        ex.response().setContentLength(bytes.length);
        if (!ex.isHead()) {
            OutputStream out = ex.response().getOutputStream();
            out.write(bytes);
        }
    }

    private static String htmlAttribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
