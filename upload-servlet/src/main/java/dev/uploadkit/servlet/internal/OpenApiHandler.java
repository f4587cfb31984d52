package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * {@code openapi.json}: the OpenAPI 3.1 description of the API, from the resource {@value #RESOURCE}, with
 * {@code servers} naming the base URL the request came to. Public: it describes the API, not a project's data.
 */
final class OpenApiHandler {
    /** The class-path resource holding the document; tests check it against the router and the view records. */
    static final String RESOURCE = "/dev/uploadkit/servlet/openapi.json";

    /** Parsed on the first request for it, not at start: few requests need it, and it is large. */
    private volatile ObjectNode document;

    void register(Router router) {
        router.add("GET", "openapi.json", Access.SELF, this::serve);
    }

    static ObjectNode load() {
        try (InputStream in = Objects.requireNonNull(OpenApiHandler.class.getResourceAsStream(RESOURCE), RESOURCE)) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    private void serve(Exchange ex) throws IOException {
        ObjectNode loaded = document;
        if (loaded == null) {
            loaded = load();
            document = loaded;
        }
        ObjectNode served = loaded.deepCopy();
        ArrayNode servers = served.putArray("servers");
        servers.addObject().put("url", ex.baseUrl());
        ex.response().setHeader("Access-Control-Allow-Origin", "*");
        Json.raw(ex, served);
    }
}
