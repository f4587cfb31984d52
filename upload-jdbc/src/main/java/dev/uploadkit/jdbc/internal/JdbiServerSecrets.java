package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Secrets shared by every instance on one database (table {@code server_secrets}): each is made once, by the first
 * instance that asks for it, and read by all the others.
 */
public final class JdbiServerSecrets {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{1,512}");

    private final Transactor transactor;
    private final Vendor vendor;

    public JdbiServerSecrets(Transactor transactor) {
        this.transactor = Objects.requireNonNull(transactor, "transactor");
        this.vendor = transactor.vendor();
    }

    /**
     * Returns the secret kept under {@code name}; when there is none yet, keeps {@code initial}'s value first. Of
     * instances racing to keep one, one wins and all of them return its value.
     *
     * @param name 1 to 64 characters: lower-case letters, digits, {@code .}, {@code _}, {@code -}
     * @param initial asked only when no secret is kept under {@code name}; 1 to 512 printable ASCII characters
     */
    public String get(String name, Supplier<String> initial) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: 1 to 64 of a-z, 0-9, '.', '_', '-', was '" + name + "'");
        }
        Objects.requireNonNull(initial, "initial");
        Optional<String> kept = find(name);
        if (kept.isPresent()) {
            return kept.get();
        }
        String value = initial.get();
        if (value == null || !SECRET.matcher(value).matches()) {
            throw new IllegalArgumentException("the initial secret must be 1 to 512 printable ASCII characters");
        }
        transactor.inTransaction(tx -> tx.run(h -> insertIfAbsent(h, name, value)));
        return find(name).orElseThrow(() -> new IllegalStateException("secret " + name + " was kept but is gone"));
    }

    private Optional<String> find(String name) {
        return transactor.inTransaction(tx -> tx.run(h -> h.createQuery(
                        "SELECT secret FROM server_secrets WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .findOne()));
    }

    private boolean insertIfAbsent(Handle h, String name, String value) {
        // PostgreSQL aborts the whole transaction on a failed statement; H2 and InnoDB only undo the statement.
        String conflict = vendor == Vendor.POSTGRESQL ? " ON CONFLICT (name) DO NOTHING" : "";
        try {
            return h.createUpdate("INSERT INTO server_secrets (name, secret, created_at)"
                            + " VALUES (:name, :secret, :created_at)" + conflict)
                    .bind("name", name)
                    .bind("secret", value)
                    .bind("created_at", vendor.instant(Instant.now()))
                    .execute() == 1;
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.sqlCause(e).filter(vendor::isUniqueViolation).isPresent()) {
                return false; // another instance kept its value first
            }
            throw e;
        }
    }
}
