package dev.annotask.config;

import picocli.CommandLine.Option;

/**
 * The database flags every command that opens the database shares ({@code serve},
 * {@code migrate-db}), with the same names and environment variables, so one set of settings
 * works for both. A picocli mixin; filled once by the parser.
 */
public final class DatabaseOptions {
    @Option(names = "--db", defaultValue = "${env:ANNOTASK_DB_URL}", description = "A jdbc:postgresql:// URL to use PostgreSQL instead of SQLite.")
    String url;

    @Option(names = "--db-user", defaultValue = "${env:ANNOTASK_DB_USER}", description = "PostgreSQL user, if not in the URL.")
    String user;

    @Option(names = "--db-password", defaultValue = "${env:ANNOTASK_DB_PASSWORD}", description = "PostgreSQL password, if not in the URL.")
    String password;

    /** The PostgreSQL URL, or null for SQLite. */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }
}
