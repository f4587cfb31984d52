package dev.uploadkit.core.internal.store;

import org.jclouds.logging.Logger;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

/**
 * jclouds logging through SLF4J, except that its HTTP layer's ERRORs (it logs "error after writing n/m bytes"
 * with a stack trace for every reset connection, before deciding to retry) become one-line WARNs: whether the
 * request finally failed is reported by the caller, not here. For the same reason its WARN that a request it cannot
 * repeat (a streamed PUT) will not be retried is logged at DEBUG.
 */
final class QuietHttpLogging extends SLF4JLoggingModule {
    private static final String HTTP_CATEGORY = "org.jclouds.http";
    /** How jclouds' retry handler begins its warning about a request it cannot repeat. */
    static final String NOT_REPLAYABLE = "Cannot retry after server error, command is not replayable";

    @Override
    public Logger.LoggerFactory createLoggerFactory() {
        Logger.LoggerFactory slf4j = super.createLoggerFactory();
        return category -> {
            Logger logger = slf4j.getLogger(category);
            return category != null && category.startsWith(HTTP_CATEGORY) ? new Quiet(logger) : logger;
        };
    }

    record Quiet(Logger delegate) implements Logger {
        @Override
        public String getCategory() {
            return delegate.getCategory();
        }

        @Override
        public void trace(String message, Object... args) {
            delegate.trace(message, args);
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public void debug(String message, Object... args) {
            delegate.debug(message, args);
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public void info(String message, Object... args) {
            delegate.info(message, args);
        }

        @Override
        public boolean isInfoEnabled() {
            return delegate.isInfoEnabled();
        }

        @Override
        public void warn(String message, Object... args) {
            if (message != null && message.startsWith(NOT_REPLAYABLE)) {
                // A streamed PUT, whose body is read once: a client that stopped sending, or a store failure that
                // the caller reports. Either way not worth a WARN of jclouds' with the whole request in it.
                delegate.debug(message, args);
            } else {
                delegate.warn(message, args);
            }
        }

        @Override
        public void warn(Throwable throwable, String message, Object... args) {
            String described = StoreRetries.describe(throwable);
            // The message is a format only when there are arguments.
            delegate.warn(message + ": " + (args.length == 0 ? described : described.replace("%", "%%")), args);
        }

        @Override
        public boolean isWarnEnabled() {
            return delegate.isWarnEnabled();
        }

        @Override
        public void error(String message, Object... args) {
            delegate.warn(message, args);
        }

        @Override
        public void error(Throwable throwable, String message, Object... args) {
            warn(throwable, message, args);
        }

        @Override
        public boolean isErrorEnabled() {
            return delegate.isWarnEnabled();
        }
    }
}
