package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A WHERE clause assembled from conditions, with the arguments of their named parameters. */
final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Argument> arguments = new LinkedHashMap<>();

    Where copy() {
        Where copy = new Where();
        copy.conditions.addAll(conditions);
        copy.arguments.putAll(arguments);
        return copy;
    }

    /** Adds a condition that uses no parameter. */
    Where and(String condition) {
        conditions.add(condition);
        return this;
    }

    /** Adds a condition using parameter {@code :name}, bound to {@code argument}. */
    Where and(String condition, String name, Argument argument) {
        conditions.add(condition);
        arguments.put(name, argument);
        return this;
    }

    /** Binds another parameter of the conditions. */
    Where bind(String name, Argument argument) {
        arguments.put(name, argument);
        return this;
    }

    String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    <S extends SqlStatement<S>> S bindTo(S statement) {
        arguments.forEach(statement::bind);
        return statement;
    }

    static Argument text(String value) {
        return (position, statement, ctx) -> statement.setString(position, value);
    }

    static Argument bool(boolean value) {
        return (position, statement, ctx) -> statement.setBoolean(position, value);
    }

    static Argument number(long value) {
        return (position, statement, ctx) -> statement.setLong(position, value);
    }

    static Argument nullableNumber(Long value) {
        return (position, statement, ctx) -> {
            if (value == null) {
                statement.setNull(position, Types.BIGINT);
            } else {
                statement.setLong(position, value);
            }
        };
    }

    static Argument nullableInt(Integer value) {
        return (position, statement, ctx) -> {
            if (value == null) {
                statement.setNull(position, Types.INTEGER);
            } else {
                statement.setInt(position, value);
            }
        };
    }

    static Argument nullableText(String value) {
        return (position, statement, ctx) -> {
            if (value == null) {
                statement.setNull(position, Types.VARCHAR);
            } else {
                statement.setString(position, value);
            }
        };
    }

    /**
     * Escapes LIKE wildcards for a pattern used with {@code ESCAPE '!'}: not a backslash, which MariaDB also
     * reads as a string-literal escape, so the same SQL text works everywhere.
     */
    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                escaped.append('!');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
