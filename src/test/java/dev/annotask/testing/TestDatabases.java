package dev.annotask.testing;

import dev.annotask.store.DataDirectory;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * Fresh, empty databases for tests, on both vendors: a new SQLite file, or a new database in
 * one embedded PostgreSQL started once per test JVM (or in the server named by
 * {@code ANNOTASK_TEST_PG_URL}, e.g. {@code jdbc:postgresql://localhost/postgres?user=postgres}).
 *
 * <p>Also fresh databases that are migrated already ({@link #newMigratedPostgresDatabase},
 * {@link #newMigratedDataDirectory}), for tests that start a server and are not about
 * migrating: copies of a template migrated once per JVM by {@link Database#open}, the code a
 * server starts with, so they hold what a server's start leaves in an empty database before
 * it makes its admin and secrets. Migrating each new database instead costs up to a second on
 * PostgreSQL, some hundred milliseconds on SQLite.
 */
public final class TestDatabases {
    private static EmbeddedPostgres embedded;
    private static int created;
    private static String postgresTemplate;
    private static Path sqliteTemplate;
    private static final Deque<AutoCloseable> CLOSED_AT_EXIT = new ArrayDeque<>();
    private static boolean exitHookAdded;

    private TestDatabases() {
    }

    /** The vendors every store and API test runs on. */
    public static Stream<SqlDialect> dialects() {
        return Stream.of(SqlDialect.SQLITE, SqlDialect.POSTGRESQL);
    }

    /** A JDBC URL (credentials included) of a new empty database of that vendor. */
    public static synchronized String newDatabase(SqlDialect dialect) {
        return switch (dialect) {
            case SQLITE -> SqlDialect.sqliteUrl(tempDirectory().resolve("annotask.db"));
            case POSTGRESQL -> newPostgresDatabase();
        };
    }

    public static Path tempDirectory() {
        try {
            Path dir = Files.createTempDirectory("annotask-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC URL (credentials included) of a new PostgreSQL database with every migration applied. */
    public static synchronized String newMigratedPostgresDatabase() {
        if (postgresTemplate == null) {
            String name = newPostgresName();
            Database.open(createPostgresDatabase(name, ""), null, null, 0).close();
            postgresTemplate = name;
        }
        return createPostgresDatabase(newPostgresName(), " TEMPLATE " + postgresTemplate);
    }

    /**
     * A new data directory (for {@code ServerConfig.forDirectory}) whose SQLite database has
     * every migration applied.
     */
    public static synchronized Path newMigratedDataDirectory() {
        try {
            if (sqliteTemplate == null) {
                Path template = tempDirectory().resolve(DataDirectory.DATABASE_FILE);
                Database.open(SqlDialect.sqliteUrl(template), null, null, 0).close();
                Files.deleteIfExists(template.resolveSibling(DataDirectory.DATABASE_FILE + "-shm"));
                sqliteTemplate = template;
            }
            Path dir = tempDirectory();
            try (Stream<Path> files = Files.list(sqliteTemplate.getParent())) {
                for (Path file : files.toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newPostgresDatabase() {
        return createPostgresDatabase(newPostgresName(), "");
    }

    private static String newPostgresName() {
        return "annotask_test_" + ProcessHandle.current().pid() + "_" + (++created);
    }

    private static String createPostgresDatabase(String name, String options) {
        String adminUrl = adminUrl();
        try (Connection connection = DriverManager.getConnection(adminUrl);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + options);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return replaceDatabase(adminUrl, name);
    }

    private static String adminUrl() {
        String external = System.getenv("ANNOTASK_TEST_PG_URL");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            addExitHook();
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /**
     * Closes the resource (a server shared by test classes) when the JVM exits, the last
     * registered first, before the embedded PostgreSQL stops; returns it.
     */
    public static synchronized <T extends AutoCloseable> T closeAtExit(T resource) {
        CLOSED_AT_EXIT.push(resource);
        addExitHook();
        return resource;
    }

    private static void addExitHook() {
        if (exitHookAdded) {
            return;
        }
        exitHookAdded = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (TestDatabases.class) {
                for (AutoCloseable resource : CLOSED_AT_EXIT) {
                    try {
                        resource.close();
                    } catch (Exception ignored) {
                        // the JVM is exiting: the next resource still gets closed
                    }
                }
                if (embedded != null) {
                    try {
                        embedded.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting; the temporary cluster directory goes with it
                    }
                }
            }
        }, "test-databases-exit"));
    }

    /** The same server URL pointing at another database name. */
    private static String replaceDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
