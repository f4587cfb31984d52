package dev.uploadkit.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a multipart/form-data body byte by byte, so tests control every header and boundary. */
final class Multipart {
    static final String BOUNDARY = "----uploadkit-test-boundary-7MA4YWxkTrZu0gW";

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean closed;

    static Multipart form() {
        return new Multipart();
    }

    static String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    Multipart field(String name, String value) {
        return field(name, value.getBytes(StandardCharsets.UTF_8));
    }

    Multipart field(String name, byte[] value) {
        write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        body.writeBytes(value);
        write("\r\n");
        return this;
    }

    /** Adds a file part; {@code filename} goes into the header as raw UTF-8, as browsers and curl send it. */
    Multipart file(String name, String filename, byte[] content) {
        String disposition = "Content-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"");
        write("--" + BOUNDARY + "\r\n" + disposition + "\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(content);
        write("\r\n");
        return this;
    }

    Multipart file(String filename, byte[] content) {
        return file("file", filename, content);
    }

    byte[] bytes() {
        if (!closed) {
            write("--" + BOUNDARY + "--\r\n");
            closed = true;
        }
        return body.toByteArray();
    }

    /** Returns the body without its closing delimiter: a body that ends early. */
    byte[] unterminated() {
        return body.toByteArray();
    }

    private void write(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
