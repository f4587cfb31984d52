package dev.uploadkit.servlet.internal;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What happens to the part of a request body a handler did not read. */
final class RequestBodies {
    /** At most this much of an unread body is read and dropped before an answer. */
    static final int DRAINED_LIMIT = 64 * 1024;

    private RequestBodies() {
    }

    /**
     * Called before an answer with {@code status} is written. Many answers come before the request's body was read
     * to its end (a wrong method, a refused key or type, an endpoint that ignores bodies). The container then closes
     * the connection once the answer is out, without saying so, and a keep-alive client that already sent its next
     * request on it sees that request fail. So a declared body of at most {@value #DRAINED_LIMIT} bytes is read to
     * its end and dropped, which keeps the connection usable. Of a larger or chunked body nothing more is read; an
     * error answer then says {@code Connection: close}. (A successful upload has read its body up to the form's end,
     * but the container may not have seen the end of the stream yet; its connection is left to the container.)
     * A client that asked {@code Expect: 100-continue} is not asked for its body here (Jetty sends {@code 100
     * Continue} once the body is touched): an error answers it at once and closes the connection.
     */
    static void settle(HttpServletRequest request, HttpServletResponse response, int status) {
        long length = request.getContentLengthLong();
        if (length <= 0 && request.getHeader("Transfer-Encoding") == null) {
            return;
        }
        if (awaitsContinue(request)) {
            if (status >= 400) {
                response.setHeader("Connection", "close");
            }
            return;
        }
        try {
            ServletInputStream in = request.getInputStream();
            if (!in.isFinished() && length > 0 && length <= DRAINED_LIMIT) {
                byte[] dropped = new byte[(int) length];
                while (in.read(dropped) >= 0) {
                    // the declared length bounds this
                }
            }
            if (in.isFinished() || status < 400) {
                return;
            }
        } catch (IOException | IllegalStateException unreadable) {
            if (status < 400) {
                return;
            }
            // A broken body, or one the handler read as characters: the connection cannot be trusted either way.
        }
        response.setHeader("Connection", "close");
    }

    /** Whether the client waits for {@code 100 Continue} before it sends the body ({@code Expect: 100-continue}). */
    static boolean awaitsContinue(HttpServletRequest request) {
        return "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
    }
}
