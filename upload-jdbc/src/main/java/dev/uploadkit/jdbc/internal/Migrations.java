package dev.uploadkit.jdbc.internal;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** Brings the schema up to date with Flyway, from the migrations of the detected vendor. */
public final class Migrations {
    /** The history table; its own name, so it never mixes with a host application's Flyway history. */
    public static final String HISTORY_TABLE = "uploadkit_schema_history";

    private Migrations() {
    }

    /** Applies the pending migrations; safe to run concurrently from several instances. */
    public static void migrate(DataSource dataSource, Vendor vendor) {
        if (MigrationCheck.upToDate(dataSource, vendor)) {
            return;
        }
        Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(vendor.migrationLocation())
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                // A host schema usually holds other tables already; version 0 keeps V1 pending in that case.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholderReplacement(false)
                .load()
                .migrate();
    }
}
