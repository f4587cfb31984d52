package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Adds deltas to one sharded counter row, creating it on its first use. */
final class CounterRows {
    private static final int ATTEMPTS = 3;

    private CounterRows() {
    }

    /**
     * Adds {@code d[i]} to column {@code columns[i]} of the row of {@code table} whose key columns hold
     * {@code key}'s values (in iteration order), inserting the row first if there is none yet.
     */
    static void add(Handle h, Vendor vendor, String table, Map<String, Object> key, String[] columns, long[] d) {
        StringBuilder update = new StringBuilder("UPDATE ").append(table).append(" SET ");
        for (int i = 0; i < columns.length; i++) {
            update.append(i == 0 ? "" : ", ").append(columns[i]).append(" = ").append(columns[i]).append(" + :d")
                    .append(i);
        }
        List<String> names = new ArrayList<>();
        List<String> params = new ArrayList<>();
        String separator = " WHERE ";
        for (String column : key.keySet()) {
            update.append(separator).append(column).append(" = :").append(column);
            separator = " AND ";
            names.add(column);
            params.add(":" + column);
        }
        String insert = vendor.insertKeyIgnoringDuplicate(table, String.join(", ", names), String.join(", ", params));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            var statement = h.createUpdate(update.toString());
            key.forEach(statement::bind);
            for (int i = 0; i < d.length; i++) {
                statement.bind("d" + i, d[i]);
            }
            if (statement.execute() == 1) {
                return;
            }
            // The first change of this key on this shard: create the row, racing others doing the same.
            var create = h.createUpdate(insert);
            key.forEach(create::bind);
            create.execute();
        }
        throw new IllegalStateException("The " + table + " row " + key + " is missing.");
    }
}
