package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** JSON in and out: the configured mapper, bounded request bodies, and the contract's envelopes. */
public final class Json {
    /** The largest JSON request body accepted. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64).maxStringLength(MAX_BODY_BYTES).build())
                    .build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private Json() {
    }

    /**
     * Reads the request body as a JSON object, whatever its {@code Content-Type}. Malformed JSON, and JSON past the
     * parser's limits (nesting deeper than 64, numbers over 1,000 digits, names over 50,000 characters), is
     * {@code PAYLOAD_MALFORMED}; a body that is JSON but not an object is {@code VALIDATION_ERROR}.
     */
    public static ObjectNode readObject(Exchange exchange) throws IOException {
        return parseObject(readBody(exchange));
    }

    /** Parses a JSON object as {@link #readObject} does. */
    static ObjectNode parseObject(byte[] body) {
        JsonNode node = parse(body);
        if (!(node instanceof ObjectNode object)) {
            throw UploadException.validation("body", "The request body must be a JSON object.");
        }
        return object;
    }

    /** Parses any JSON document; an empty body, malformed JSON or JSON past the parser's limits is malformed. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request body is empty; send a JSON document.");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            // StreamConstraintsException (depth, number or name length) is not a StreamReadException.
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request body is not valid JSON.", e);
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request body could not be read.", e);
        }
    }

    /** Reads the whole request body, at most {@link #MAX_BODY_BYTES}. */
    static byte[] readBody(Exchange exchange) {
        try (InputStream in = exchange.request().getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                        "The JSON body may be at most " + MAX_BODY_BYTES + " bytes.");
            }
            return body;
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request body could not be read.", e);
        }
    }

    /** Writes {@code {"success": true, "data": data}}. */
    public static void success(Exchange exchange, int status, Object data) throws IOException {
        write(exchange.request(), exchange.response(), status, new Views.Success(true, data));
    }

    /** Writes a JSON document as it is, without the envelope. */
    static void raw(Exchange exchange, Object document) throws IOException {
        write(exchange.request(), exchange.response(), 200, document);
    }

    /** Writes a page of a list with its {@code meta} block. */
    public static void page(Exchange exchange, Page<?> page) throws IOException {
        Views.Meta meta = new Views.Meta(page.currentPage(), page.perPage(), page.total(), page.lastPage(),
                page.nextCursor(), page.totalExact() ? "eq" : "gte");
        write(exchange.request(), exchange.response(), 200, new Views.PageBody(true, page.items(), meta));
    }

    /**
     * Writes the page the request asks for ({@code page}, {@code per_page}, {@code cursor}, checked as on
     * {@code files}) of a short list held whole in memory (keys, webhooks, storage connections, projects). Its cursor
     * is the position of the next item ({@code i40}); the list is read afresh for each page.
     */
    public static void list(Exchange exchange, List<?> items) throws IOException {
        PageRequest request = ListParams.pageOnly(exchange);
        int perPage = request.perPage();
        long start = request.cursor() != null ? position(request.cursor())
                : (long) (request.page() - 1) * perPage;
        int from = (int) Math.min(start, items.size());
        int to = (int) Math.min((long) from + perPage, items.size());
        String next = to < items.size() ? "i" + to : null;
        page(exchange, new Page<>(items.subList(from, to), (int) (start / perPage) + 1, perPage, items.size(), next));
    }

    private static long position(String cursor) {
        if (cursor.matches("i[0-9]{1,9}")) {
            return Long.parseLong(cursor.substring(1));
        }
        throw UploadException.validation("cursor", "The cursor is not one this list gave.");
    }

    /** Writes the error envelope. */
    static void error(HttpServletRequest request, HttpServletResponse response, int status, ErrorCode code,
                      String message, Map<String, List<String>> details) throws IOException {
        write(request, response, status, new Views.ErrorBody(false, new Views.ErrorDetail(code.name(), message,
                details)));
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, int status, Object body)
            throws IOException {
        boolean head = "HEAD".equals(request.getMethod());
        RequestBodies.settle(request, response, status);
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        if (!head) {
            OutputStream out = response.getOutputStream();
            out.write(bytes);
        }
    }
}
