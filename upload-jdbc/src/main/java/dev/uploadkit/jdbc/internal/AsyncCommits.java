package dev.uploadkit.jdbc.internal;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A PostgreSQL {@link DataSource} whose transactions commit without waiting for their WAL record to reach the disk
 * ({@code SET LOCAL synchronous_commit TO OFF}, issued as each transaction begins, so it ends with the transaction
 * and never stays on a pooled connection). For state that may lose its last fraction of a second in a database
 * crash, never in an application crash: the rate limiter's buckets, whose one row per project every limited request
 * updates. Bucket4j's PostgreSQL manager begins each transaction with {@code setAutoCommit(false)}.
 */
final class AsyncCommits {
    private AsyncCommits() {
    }

    static DataSource of(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(AsyncCommits.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = call(dataSource, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    private static Connection connection(Connection connection) {
        return (Connection) Proxy.newProxyInstance(AsyncCommits.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = call(connection, method, args);
                    if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SET LOCAL synchronous_commit TO OFF");
                        }
                    }
                    return result;
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
