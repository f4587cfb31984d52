package dev.uploadkit.servlet;

/**
 * Told about every request the servlet answered, after its response was written: the hook for metrics
 * (Spring Boot's auto-configuration binds one to Micrometer) and request accounting.
 *
 * <p>{@link #completed} runs on the request's thread, so it must be quick and must not block; an exception it
 * throws is logged and otherwise ignored, never turned into a response. It sees no request body, header or key.
 */
@FunctionalInterface
public interface RequestObserver {
    /** An observer that does nothing; the default. */
    RequestObserver NONE = outcome -> { };

    /** Called once per request, after the response (or the failed attempt at one). */
    void completed(RequestOutcome outcome);

    /** Returns an observer that tells this one, then {@code next}; a failure of one does not keep the other from it. */
    default RequestObserver andThen(RequestObserver next) {
        RequestObserver first = this;
        return outcome -> {
            try {
                first.completed(outcome);
            } finally {
                next.completed(outcome);
            }
        };
    }
}
