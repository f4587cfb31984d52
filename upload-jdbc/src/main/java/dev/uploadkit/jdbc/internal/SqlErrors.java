package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;

/** Translates database failures into {@link UploadException}s, so that no JDBC or JDBI type leaves the adapter. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * Returns {@code SERVICE_UNAVAILABLE} when the database could not be reached, the connection broke, or the
     * failure is transient contention worth a retry (lock timeout, deadlock, serialization failure), and
     * {@code INTERNAL_ERROR} otherwise. The original stays the cause, for logging.
     */
    public static UploadException translate(Throwable failure) {
        if (failure instanceof UploadException e) {
            return e;
        }
        if (isUnavailable(failure)) {
            return new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable.", failure);
        }
        return new UploadException(ErrorCode.INTERNAL_ERROR, "The database failed.", failure);
    }

    /** Returns the first {@link SQLException} in {@code failure}'s cause chain. */
    public static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return Optional.of(e);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    static boolean isUnavailable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLTransientException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
            if (t instanceof SQLException e && isUnavailableState(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnavailableState(String state) {
        if (state == null) {
            return false;
        }
        // 08: connection exception; 40: transaction rollback (deadlock, serialization failure);
        // 57P0x: PostgreSQL shutting down or starting up; 55P03: lock not available; HYT00: H2 lock timeout.
        return state.startsWith("08") || state.startsWith("40") || state.startsWith("57P0")
                || state.equals("55P03") || state.equals("HYT00");
    }
}
