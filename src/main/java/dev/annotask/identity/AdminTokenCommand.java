package dev.annotask.identity;

import dev.annotask.config.DatabaseOptions;
import dev.annotask.config.InvalidSetting;
import dev.annotask.config.SecretSettings;
import dev.annotask.store.DataDirectory;
import dev.annotask.store.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code annotask admin-token}: the operator's way back in. Replaces every personal access
 * token of user {@code admin} with one new token (random and printed, or read from
 * {@code --admin-token-file}) straight in the database, on the machine that can reach it: the
 * server's {@code --data} directory or {@code --db} URL, the same flags and environment
 * variables as {@code serve}. Makes the admin first if the database has none.
 *
 * <p>Works with the server stopped or running, on SQLite and PostgreSQL: the new token works
 * at once, and the old ones stop on every node within a second, when each node's
 * {@link AuthorizationCache} sees the change counter this command bumps. On a running SQLite server its write queues behind the server's for at most
 * the statement timeout. Deliberately ignores {@code ANNOTASK_ADMIN_TOKEN}: a recovery after a
 * leak must not quietly put the leaked token back from a forgotten environment.
 */
@Command(name = "admin-token", mixinStandardHelpOptions = true,
        description = "Replace the admin's personal access tokens with a new one and print it "
                + "(server stopped or running, SQLite or PostgreSQL).")
public final class AdminTokenCommand implements Callable<Integer> {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** Flyway holds PostgreSQL's migration lock on one connection while it checks on another. */
    private static final int CONNECTIONS = 2;

    @Option(names = "--data", defaultValue = "${env:ANNOTASK_DATA:-./annotask-data}", description = "The server's data directory, for SQLite (${DEFAULT-VALUE}).")
    Path data;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--admin-token-file", description = "Store the token in this file (at least 20 characters) instead of a random one.")
    Path tokenFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String given;
        try {
            given = SecretSettings.resolve("--admin-token", null, tokenFile);
        } catch (InvalidSetting e) {
            spec.commandLine().getErr().println("annotask admin-token: " + e.getMessage());
            return 2;
        }
        if (!usesPostgres() && !Files.isRegularFile(data.resolve(DataDirectory.DATABASE_FILE))) {
            spec.commandLine().getErr().println("annotask admin-token: no Annotask database in " + data
                    + " (give the server's --data, or --db for PostgreSQL)");
            return 2;
        }
        String token;
        try (Database opened = open()) {
            KeyStore keys = new KeyStore(KeyHasher.forDatabase(opened.jdbi()));
            token = new Bootstrap(opened.jdbi(), keys, Clock.systemUTC()).replaceTokens(given);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(given == null ? "admin token: " + token : "admin token replaced by the one in " + tokenFile);
        out.println("every earlier personal access token of user admin is revoked");
        out.flush();
        return 0;
    }

    private boolean usesPostgres() {
        return database.url() != null && !database.url().isBlank();
    }

    private Database open() {
        if (usesPostgres()) {
            return Database.open(database.url(), database.user(), database.password(), CONNECTIONS, WRITE_TIMEOUT);
        }
        return Database.open(DataDirectory.sqliteUrl(data), null, null, CONNECTIONS, WRITE_TIMEOUT);
    }
}
