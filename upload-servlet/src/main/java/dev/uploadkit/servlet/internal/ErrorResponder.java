package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place a failure becomes an HTTP response: {@link UploadException} with its code's status, malformed
 * JSON as {@code PAYLOAD_MALFORMED}, anything else as {@code INTERNAL_ERROR}. Server-side failures are logged
 * with their cause and the request id; the client sees the id, never a stack trace or an internal message.
 */
public final class ErrorResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    /** Seconds a client is asked to wait when the failure did not set {@code Retry-After} itself. */
    static final int RATE_LIMITED_RETRY_AFTER = 60;
    static final int UNAVAILABLE_RETRY_AFTER = 5;

    private ErrorResponder() {
    }

    private record Failure(ErrorCode code, String message, Map<String, List<String>> details, boolean serverSide) {
    }

    /**
     * Answers {@code failure}. If the response is already committed nothing can be answered: the failure is
     * logged and rethrown so the container aborts the connection rather than end a truncated body normally —
     * unless the container has already taken the answer over with an error status of its own (Tomcat answers
     * {@code 400} itself when reading the request body fails), which is then left to finish.
     */
    public static void respond(HttpServletRequest request, HttpServletResponse response, String requestId,
                               Exception failure) throws IOException {
        Failure f = classify(failure, requestId);
        if (response.isCommitted() && response.getStatus() >= 400 && !f.serverSide) {
            LOG.debug("Request {} {} [{}] refused with {} by the container: {}", request.getMethod(),
                    request.getRequestURI(), requestId, response.getStatus(), f.message);
            return;
        }
        if (response.isCommitted()) {
            if (failure instanceof IOException io) {
                LOG.debug("Request {} {} [{}] aborted after the response started: {}", request.getMethod(),
                        request.getRequestURI(), requestId, io.toString());
                throw io;
            }
            LOG.warn("Request {} {} [{}] failed after the response started", request.getMethod(),
                    request.getRequestURI(), requestId, failure);
            throw new IOException("Request " + requestId + " failed after the response was committed", failure);
        }
        if (f.serverSide) {
            LOG.error("Request {} {} [{}] failed with {}", request.getMethod(), request.getRequestURI(), requestId,
                    f.code, failure);
        } else {
            LOG.debug("Request {} {} [{}] refused with {}: {}", request.getMethod(), request.getRequestURI(),
                    requestId, f.code, f.message);
        }
        Map<String, List<String>> kept = keptHeaders(response);
        response.reset();
        kept.forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        response.setHeader("X-Request-Id", requestId);
        if (f.code == ErrorCode.RATE_LIMITED && !response.containsHeader("Retry-After")) {
            response.setHeader("Retry-After", Integer.toString(RATE_LIMITED_RETRY_AFTER));
        }
        if (f.code == ErrorCode.SERVICE_UNAVAILABLE && !response.containsHeader("Retry-After")) {
            response.setHeader("Retry-After", Integer.toString(UNAVAILABLE_RETRY_AFTER));
        }
        if (f.code == ErrorCode.UNAUTHENTICATED) {
            // RFC 9110 §11.6.1: a 401 names a scheme; the key goes as a bearer token (or in X-API-Key).
            response.setHeader("WWW-Authenticate", "Bearer realm=\"uploadkit\"");
        }
        Json.error(request, response, f.code.httpStatus(), f.code, f.message, f.details);
    }

    /** Returns the code {@link #respond} answers {@code failure} with. */
    public static ErrorCode codeOf(Exception failure) {
        return classify(failure, "").code();
    }

    private static Failure classify(Exception failure, String requestId) {
        if (failure instanceof UploadException ue) {
            boolean serverSide = ue.code().httpStatus() >= 500;
            String message = serverSide ? ue.getMessage() + " (request id " + requestId + ")" : ue.getMessage();
            return new Failure(ue.code(), message, ue.details(), serverSide);
        }
        if (failure instanceof StreamReadException || failure instanceof MismatchedInputException) {
            return new Failure(ErrorCode.PAYLOAD_MALFORMED, "The request body is not valid JSON.", Map.of(), false);
        }
        return new Failure(ErrorCode.INTERNAL_ERROR,
                "An internal error occurred (request id " + requestId + ").", Map.of(), true);
    }

    /** Headers that belong to the error rather than to the aborted answer: they survive the reset. */
    private static Map<String, List<String>> keptHeaders(HttpServletResponse response) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("allow") || lower.equals("retry-after") || lower.startsWith("x-ratelimit-")) {
                kept.putIfAbsent(name, new ArrayList<>(response.getHeaders(name)));
            }
        }
        return kept;
    }
}
