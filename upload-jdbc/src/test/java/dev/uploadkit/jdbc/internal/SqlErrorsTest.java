package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "57P01", "57P03", "40001", "40P01", "55P03", "HYT00"})
    void connectionAndContentionStatesAreServiceUnavailable(String state) {
        SQLException cause = new SQLException("failed", state);
        UploadException e = SqlErrors.translate(new RuntimeException("wrapped", cause));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        assertSame(cause, e.getCause().getCause());
    }

    @Test
    void unreachableServersAreServiceUnavailable() {
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE,
                SqlErrors.translate(new SQLTransientConnectionException("pool exhausted")).code());
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE,
                SqlErrors.translate(new RuntimeException(new SQLException("io", null, new ConnectException()))).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42601", "23505", "22001", "XX000"})
    void otherFailuresAreInternalErrors(String state) {
        assertEquals(ErrorCode.INTERNAL_ERROR, SqlErrors.translate(new SQLException("failed", state)).code());
        assertEquals(ErrorCode.INTERNAL_ERROR, SqlErrors.translate(new IllegalStateException("no state")).code());
    }

    @Test
    void uploadExceptionsPassThrough() {
        UploadException original = new UploadException(ErrorCode.CONFLICT, "taken");
        assertSame(original, SqlErrors.translate(original));
    }

    @Test
    void vendorsAreDetectedFromTheProductName() {
        assertEquals(Vendor.H2, Vendor.fromProductName("H2"));
        assertEquals(Vendor.POSTGRESQL, Vendor.fromProductName("PostgreSQL"));
        assertEquals(Vendor.MYSQL, Vendor.fromProductName("MariaDB"));
        assertEquals(Vendor.MYSQL, Vendor.fromProductName("MySQL"));
        assertThrows(IllegalArgumentException.class, () -> Vendor.fromProductName("Oracle"));
    }
}
