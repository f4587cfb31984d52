package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Makes PostgreSQL plan a statement for its own parameters on every execution. After five executions the driver
 * prepares a statement on the server, and the server may then keep one generic plan for every parameter value: for
 * a filename search, whose pattern decides everything, the generic plan walked the whole creation-time index
 * (237 ms at a million uploads instead of 0.3). With a prepare threshold of 0 the driver sends the statement
 * unnamed each time, and the server plans it with the values bound.
 */
final class CustomPlan implements StatementCustomizer {
    static final CustomPlan INSTANCE = new CustomPlan();

    private CustomPlan() {
    }

    @Override
    public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
        stmt.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
    }
}
