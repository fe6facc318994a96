package dev.annotask.migrate;

import dev.annotask.config.DatabaseOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annotask migrate-db}: copies a SQLite data directory's database into an empty
 * PostgreSQL database (see {@link SqliteToPostgres}). Takes the same {@code --data} and
 * {@code --db} options as {@code serve}, from the same environment variables, so an operator
 * runs it with the settings of the old node and the URL of the new database.
 */
@Command(name = "migrate-db", mixinStandardHelpOptions = true,
        description = "Copy the SQLite database of a data directory into an empty PostgreSQL database "
                + "(stop the server first).")
public final class MigrateDbCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "${env:ANNOTASK_DATA:-./annotask-data}", description = "The data directory holding annotask.db (${DEFAULT-VALUE}).")
    Path data;

    /** The target: a jdbc:postgresql:// URL of an empty database. */
    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        try {
            List<SqliteToPostgres.TableCopy> copied = SqliteToPostgres.copy(data.resolve("annotask.db"), database.url(),
                    database.user(), database.password());
            copied.forEach(table -> System.out.printf("%-18s %,12d rows%n", table.table(), table.rows()));
            System.out.println("migrated " + data.resolve("annotask.db") + " into PostgreSQL in one transaction");
            return 0;
        } catch (MigrationRefused e) {
            System.err.println("migrate-db refused: " + e.getMessage());
            return 2;
        }
    }
}
