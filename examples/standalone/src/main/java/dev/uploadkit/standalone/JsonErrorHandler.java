package dev.uploadkit.standalone;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers what Jetty refuses before the servlet sees it (ambiguous or overlong URIs, oversized or malformed
 * headers, bad framing) and what falls outside the API's mount with the API's JSON error envelope, keeping Jetty's
 * status, instead of Jetty's HTML page that names its version.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final int MAX_REASON = 200;
    /** Every answer carries one, as the API's do (api.md), refusals made before the API included. */
    private static final String REQUEST_ID = "X-Request-Id";

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(REQUEST_ID, requestId());
        response.write(true, body(code, message), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        if (HttpStatus.hasNoBody(status)) {
            return ByteBuffer.allocate(0);
        }
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, CONTENT_TYPE));
        fields.put(REQUEST_ID, requestId());
        return body(status, reason);
    }

    /** The envelope; the code is the contract's code for the status, or {@code PAYLOAD_MALFORMED} for other 4xx. */
    static ByteBuffer body(int status, String reason) {
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "FILE_TOO_LARGE";
            case 429 -> "RATE_LIMITED";
            case 503 -> "SERVICE_UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL_ERROR" : "PAYLOAD_MALFORMED";
        };
        String standard = HttpStatus.getMessage(status);
        String detail = reason == null || reason.equals(standard) ? "" : ": " + printable(reason);
        String message = "The request was refused (" + status + " " + standard + ")" + detail + ".";
        String json = "{\"success\":false,\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message)
                + ",\"details\":{}}}";
        return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String requestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static String printable(String reason) {
        StringBuilder sb = new StringBuilder();
        reason.codePoints().limit(MAX_REASON).forEach(c -> sb.appendCodePoint(c >= 0x20 && c < 0x7f ? c : '?'));
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
