package dev.uploadkit.servlet;

import dev.uploadkit.core.limits.RequestLimits;
import dev.uploadkit.core.usage.RequestLogWriter;

import dev.uploadkit.core.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.UploadServiceBuilder;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.jdbc.UploadkitDatabase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The servlet in a {@link TestContainer} (embedded Jetty 12, or Tomcat) on 127.0.0.1 with a random port, mounted at
 * {@value #MOUNT}, over the real
 * services: an H2 in-memory catalog through upload-jdbc and a jclouds filesystem store in a test folder. Starts
 * with one project holding a key with every permission and a server-admin key.
 */
final class TestServer implements AutoCloseable {
    static final String MOUNT = "/v1/external";
    static final String SIGNING_KEY = "test-signing-key-0123456789-abcdefghijklmnop";
    static final ObjectMapper JSON = new ObjectMapper();

    final Path storeDir;
    final MutableClock clock = new MutableClock(Instant.now());
    final UploadkitDatabase database;
    final JcloudsFileStore store;
    final UploadService uploads;
    final AccessService access;
    final Project project;
    final String key;
    final String adminKey;
    final UploadServlet servlet;
    private final TestContainer container;
    /** The request log, when started {@link Builder#limitsAndLog() with limits and a log}; else {@code null}. */
    final RequestLogWriter requestLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** A project of its own with a key carrying the given permissions. */
    record Tenant(UUID projectId, String key) {
    }

    /** What the server answered. */
    record Response(int status, HttpHeaders headers, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        JsonNode data() {
            return json().get("data");
        }

        String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        /** The field names of {@code node}, in their order. */
        static List<String> fieldNames(JsonNode node) {
            List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            return names;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    static Builder builder(Path storeDir) {
        return new Builder(storeDir);
    }

    static TestServer start(Path storeDir) {
        return builder(storeDir).start();
    }

    private TestServer(Builder b) throws Exception {
        this.storeDir = b.storeDir;
        this.database = UploadkitDatabase.connect("jdbc:h2:mem:servlet-" + UUID.randomUUID(),
                "sa", "");
        this.store = JcloudsFileStore.filesystem("local", storeDir);
        UploadServiceBuilder service = UploadService.builder().catalog(database.catalog()).store(store)
                .maxFileSize(b.maxFileSize).clock(Clock.systemUTC()).listCountLimit(b.listCountLimit);
        if (!b.allowedTypes.isEmpty()) {
            service.allowedTypes(b.allowedTypes);
        }
        b.serviceCustomizer.accept(service);
        b.extraStores.forEach(service::store);
        if (b.storageSettings != null) {
            service.storageSettings(b.storageSettings);
        }
        this.uploads = service.build();
        this.access = AccessService.create(database.projects());
        this.project = access.createProject("Test project", "pro");
        this.key = access.createKey(project.id(), "all", EnumSet.allOf(Permission.class), false).plaintext();
        this.adminKey = access.createKey(project.id(), "admin", EnumSet.allOf(Permission.class), true).plaintext();

        WebhookService.Builder webhooks = WebhookService.builder().catalog(database.catalog()).clock(clock);
        if (b.storageSettings != null && b.storageSettings.secrets() != null) {
            webhooks.secrets(b.storageSettings.secrets());
        }
        UploadServlet.Builder servlet = UploadServlet.builder().uploadService(uploads).accessService(access)
                .webhookService(webhooks.build())
                .signingKey(SIGNING_KEY).clock(clock);
        if (b.authenticator != null) {
            servlet.authenticator(b.authenticator.apply(access));
        }
        if (b.limitsAndLog) {
            requestLog = RequestLogWriter.builder().store(database.requestLog()).storageProbe(uploads::dedupStats)
                    .flushInterval(Duration.ofMillis(20)).clock(clock).build();
            requestLog.start();
            servlet.limits(RequestLimits.create(database.rateLimiter(clock), access)).requestLog(requestLog)
                    .trustedProxies(List.of("127.0.0.1/32"));
        } else {
            requestLog = null;
        }
        b.customizer.accept(servlet);
        this.servlet = servlet.build();

        container = TestContainer.start(this.servlet, MOUNT + "/*");
    }

    /**
     * Returns the background work of this server's service, not yet built: its job runner on this database and
     * quick polls for imports, copies and events, as tests need.
     */
    BackgroundWork.Builder backgroundWork() {
        return BackgroundWork.builder().uploadService(uploads)
                .jobRunner(database.jobRunner(uploads.instanceId(), Duration.ofMillis(200)))
                .watchInterval(Duration.ofMillis(50)).eventInterval(Duration.ofMillis(50));
    }

    int port() {
        return container.port();
    }

    /** Returns the container the servlet runs in. */
    TestContainer container() {
        return container;
    }

    /** Returns the servlet's base URL, e.g. {@code http://127.0.0.1:1234/v1/external}. */
    String base() {
        return "http://127.0.0.1:" + port() + MOUNT;
    }

    Tenant newTenant(String name, Permission... permissions) {
        Project p = access.createProject(name, "free");
        Set<Permission> perms = permissions.length == 0 ? EnumSet.allOf(Permission.class)
                : EnumSet.of(permissions[0], permissions);
        return new Tenant(p.id(), access.createKey(p.id(), name, perms, false).plaintext());
    }

    String keyWith(Permission... permissions) {
        return access.createKey(project.id(), "limited", EnumSet.of(permissions[0], permissions), false).plaintext();
    }

    HttpRequest.Builder request(String path, String apiKey) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + "/" + path))
                .timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            r.header("X-API-Key", apiKey);
        }
        return r;
    }

    Response get(String path, String apiKey) {
        return send(request(path, apiKey).GET());
    }

    Response get(String path) {
        return get(path, key);
    }

    Response send(String method, String path, String apiKey, String jsonBody) {
        HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody);
        HttpRequest.Builder r = request(path, apiKey).method(method, body);
        if (jsonBody != null) {
            r.header("Content-Type", "application/json");
        }
        return send(r);
    }

    Response upload(String apiKey, Multipart form) {
        return send(request("files/upload", apiKey).header("Content-Type", Multipart.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    Response upload(String filename, byte[] content) {
        return upload(key, Multipart.form().file(filename, content));
    }

    /** Uploads and returns the new upload object, failing unless the server answered 201. */
    JsonNode uploaded(String apiKey, Multipart form) {
        Response r = upload(apiKey, form);
        if (r.status() != 201) {
            throw new AssertionError("upload failed with " + r.status() + ": " + r.text());
        }
        return r.data();
    }

    JsonNode uploaded(String filename, byte[] content) {
        return uploaded(key, Multipart.form().file(filename, content));
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes raw bytes to the server and returns everything it answers until it closes the connection.
     * With {@code halfClose} the write side is shut after the bytes, as a client that dies mid-body would.
     */
    String raw(byte[] request, boolean halfClose) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, n);
                    if (halfClose || !isComplete(answer.toString(StandardCharsets.ISO_8859_1))) {
                        continue;
                    }
                    break;
                }
            } catch (java.net.SocketException reset) {
                // The server may reset a connection whose body it did not read; what arrived is the answer.
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isComplete(String response) {
        int headerEnd = response.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return false;
        }
        String headers = response.substring(0, headerEnd).toLowerCase(Locale.ROOT);
        int at = headers.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int end = headers.indexOf("\r\n", at);
        long length = Long.parseLong(headers.substring(at + 15, end < 0 ? headers.length() : end).strip());
        return response.length() - headerEnd - 4 >= length;
    }

    /** Returns a raw HTTP/1.1 request head for {@code path} with the given headers and a body length. */
    String rawHead(String method, String path, String contentType, long contentLength) {
        return method + " " + MOUNT + "/" + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port() + "\r\n"
                + "X-API-Key: " + key + "\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + contentLength + "\r\n"
                + "Connection: close\r\n\r\n";
    }

    /** Returns every regular file under the store's folder: stored objects and any temporary leftovers. */
    List<Path> storedFiles() {
        try (Stream<Path> files = Files.walk(storeDir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the number of uploads, live and trashed, of the main project. */
    /** Returns the payloads of the outbox's events of {@code type} ({@code upload.failed}, …), oldest first. */
    List<String> eventPayloads(String type) {
        try (java.sql.Connection c = database.dataSource().getConnection();
             java.sql.PreparedStatement q = c.prepareStatement("SELECT payload FROM events WHERE type = ? ORDER BY id")) {
            q.setString(1, type);
            List<String> payloads = new ArrayList<>();
            try (java.sql.ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    payloads.add(rs.getString(1));
                }
            }
            return payloads;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long uploadCount(UUID projectId) {
        return uploads.list(projectId, UploadQuery.builder().view(UploadQuery.View.ALL).build(), PageRequest.first(1))
                .total();
    }

    @Override
    public void close() throws Exception {
        try {
            container.close();
        } finally {
            uploads.close();
            try {
                if (requestLog != null) {
                    requestLog.close();
                }
                store.close();
            } finally {
                // The in-memory database lives as long as the pool's connections: closing the pool drops it.
                database.close();
            }
        }
    }

    static final class Builder {
        private final Path storeDir;
        private DataSize maxFileSize = DataSize.ofMebibytes(64);
        private List<String> allowedTypes = List.of();
        private long listCountLimit = UploadServiceBuilder.DEFAULT_LIST_COUNT_LIMIT;
        private final List<FileStore> extraStores = new ArrayList<>();
        private Function<AccessService, Authenticator> authenticator;
        private Consumer<UploadServlet.Builder> customizer = b -> { };
        private Consumer<UploadServiceBuilder> serviceCustomizer = b -> { };
        private boolean limitsAndLog;
        private StorageSettings storageSettings;

        private Builder(Path storeDir) {
            this.storeDir = storeDir;
        }

        /** Limits requests by plan (a rate limiter on the test clock) and logs them; X-Forwarded-For from 127.0.0.1. */
        Builder limitsAndLog() {
            this.limitsAndLog = true;
            return this;
        }

        Builder listCountLimit(long limit) {
            this.listCountLimit = limit;
            return this;
        }

        Builder maxFileSize(DataSize size) {
            this.maxFileSize = size;
            return this;
        }

        Builder allowedTypes(List<String> types) {
            this.allowedTypes = types;
            return this;
        }

        /** Adds a second store, e.g. a failing one; the caller closes it. */
        Builder extraStore(FileStore store) {
            extraStores.add(store);
            return this;
        }

        Builder storageSettings(StorageSettings settings) {
            this.storageSettings = settings;
            return this;
        }

        Builder authenticator(Function<AccessService, Authenticator> authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        Builder servlet(Consumer<UploadServlet.Builder> customizer) {
            this.customizer = customizer;
            return this;
        }

        /** Configures the upload service further, e.g. its outbound policy. */
        Builder service(Consumer<UploadServiceBuilder> customizer) {
            this.serviceCustomizer = customizer;
            return this;
        }

        TestServer start() {
            try {
                return new TestServer(this);
            } catch (Exception e) {
                throw new IllegalStateException("test server did not start", e);
            }
        }
    }
}
