package dev.uploadkit.servlet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An answer given before the request's body was read leaves the connection either usable (a small body is read and
 * dropped first) or, for an error, closed with {@code Connection: close} said in the answer — never closed silently
 * under a keep-alive client that sends its next request on it.
 */
class UnreadBodyKeepAliveTest extends SharedServerTest {

    /** A refused {@code PUT} (405) and a {@code GET} that ignores its body (200). */
    @ParameterizedTest
    @CsvSource({"PUT, 405", "GET, 200"})
    void aSmallBodyArrivingAfterTheHeadIsDroppedAndTheConnectionServesTheNextRequest(String method, int status)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head(method, "files", 2));
            out.flush();
            out.write("{}".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readResponse(in);
            assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
            assertFalse(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);

            out.write(head("GET", "files", 0));
            out.flush();
            String next = readResponse(in);
            assertTrue(next.startsWith("HTTP/1.1 200"), next);
        }
    }

    @Test
    void aLargeUnreadBodyEndsTheConnectionAndTheAnswerSaysSo() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head("PUT", "files", 1_000_000));
            out.write(new byte[1000]);
            out.flush();
            String refused = readResponse(socket.getInputStream());
            assertTrue(refused.startsWith("HTTP/1.1 405"), refused);
            assertTrue(refused.toLowerCase(Locale.ROOT).contains("connection: close"), refused);
        }
    }

    /** A keep-alive request head (no {@code Connection: close}) with the test server's key. */
    private static byte[] head(String method, String path, long contentLength) {
        return server.rawHead(method, path, contentLength > 0 ? "application/json" : null, contentLength)
                .replace("Connection: close\r\n", "").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one response with a Content-Length from {@code in}, head and body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String lower = text.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
