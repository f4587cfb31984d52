package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A minimal client of the REST API over a real socket, for the standalone server's tests. */
final class ApiClient {
    private static final String BOUNDARY = "uploadkit-test-boundary";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String key;

    ApiClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    /** Posts {@code bytes} as the {@code file} part of a multipart form; returns the status and the JSON answer. */
    Answer upload(String filename, byte[] bytes) throws IOException, InterruptedException {
        return upload(filename, bytes, java.util.Map.of());
    }

    /** As {@link #upload(String, byte[])}, with {@code fields} (ASCII) before the file. */
    Answer upload(String filename, byte[] bytes, java.util.Map<String, String> fields)
            throws IOException, InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (java.util.Map.Entry<String, String> field : fields.entrySet()) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(bytes);
        body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/files/upload"))
                .header("X-API-Key", key).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** GETs {@code path} (relative to the API's base URL) as JSON. */
    Answer get(String path) throws IOException, InterruptedException {
        return answer(http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    /** Sends {@code json} (or no body when null) with {@code method} to {@code path}. */
    Answer send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("X-API-Key", key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            r.header("Content-Type", "application/json");
        }
        return answer(http.send(r.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** GETs {@code path} as bytes. */
    HttpResponse<byte[]> bytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Answer answer(HttpResponse<String> response) throws IOException {
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    record Answer(int status, JsonNode json) {
        JsonNode data() {
            return json.path("data");
        }
    }
}
