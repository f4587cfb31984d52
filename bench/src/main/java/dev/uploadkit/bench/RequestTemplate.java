package dev.uploadkit.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes of one upload request, built once; {@link #next} rewrites only the 16-character name and the
 * content in place, so every request has a distinct name and distinct random bytes (dedup never
 * short-circuits) at the cost of filling the content with random numbers.
 */
final class RequestTemplate {
    private static final String NAME_PLACEHOLDER = "0".repeat(16);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private final int nameOffset;
    private final int contentOffset;
    private final int contentLength;

    private RequestTemplate(byte[] bytes, int nameOffset, int contentOffset, int contentLength) {
        this.bytes = bytes;
        this.nameOffset = nameOffset;
        this.contentOffset = contentOffset;
        this.contentLength = contentLength;
    }

    /** {@code POST path} with a multipart form holding only the {@code file} part. */
    static RequestTemplate multipart(int port, String path, String apiKey, int contentLength) {
        return multipart(port, path, apiKey, contentLength, null);
    }

    /** As {@link #multipart(int, String, String, int)}, with a {@code folder} part after the file unless null. */
    static RequestTemplate multipart(int port, String path, String apiKey, int contentLength, String folderAfter) {
        String boundary = "----uploadkit-bench-3c1f9a7e5d";
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + NAME_PLACEHOLDER + ".bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String folder = folderAfter == null ? "" : "\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"folder\"\r\n\r\n" + folderAfter;
        String tail = folder + "\r\n--" + boundary + "--\r\n";
        String headers = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "X-API-Key: " + apiKey + "\r\n"
                + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
                + "Content-Length: " + (head.length() + contentLength + tail.length()) + "\r\n\r\n";
        return build(headers + head, contentLength, tail);
    }

    /** {@code PUT /bucket/<name>} with the content as the raw body, as an S3 client sends a small object. */
    static RequestTemplate s3Put(int port, String bucket, int contentLength) {
        String headers = "PUT /" + bucket + "/" + NAME_PLACEHOLDER + ".bin HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
        return build(headers, contentLength, "");
    }

    private static RequestTemplate build(String beforeContent, int contentLength, String afterContent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] before = beforeContent.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(before);
        out.writeBytes(new byte[contentLength]);
        out.writeBytes(afterContent.getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = out.toByteArray();
        int nameOffset = beforeContent.indexOf(NAME_PLACEHOLDER);
        return new RequestTemplate(bytes, nameOffset, before.length, contentLength);
    }

    /** Returns a copy for one client thread; {@link #next} must not be shared between threads. */
    RequestTemplate copy() {
        return new RequestTemplate(bytes.clone(), nameOffset, contentOffset, contentLength);
    }

    /** Rewrites name and content for request {@code id} and returns the request bytes (this template's array). */
    byte[] next(long id, SplittableRandom random) {
        for (int i = 15; i >= 0; i--) {
            bytes[nameOffset + i] = HEX[(int) (id >>> (4 * (15 - i))) & 0xF];
        }
        int end = contentOffset + contentLength;
        for (int i = contentOffset; i < end; ) {
            long r = random.nextLong();
            for (int k = 0; k < 8 && i < end; k++, i++) {
                bytes[i] = (byte) (r >>> (8 * k));
            }
        }
        return bytes;
    }

    /** Returns a copy of the content the last {@link #next} wrote. */
    byte[] content() {
        return Arrays.copyOfRange(bytes, contentOffset, contentOffset + contentLength);
    }
}
