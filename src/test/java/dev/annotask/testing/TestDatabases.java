package dev.annotask.testing;

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
import java.util.stream.Stream;

/**
 * Fresh, empty databases for tests, on both vendors: a new SQLite file, or a new database in
 * one embedded PostgreSQL started once per test JVM (or in the server named by
 * {@code ANNOTASK_TEST_PG_URL}, e.g. {@code jdbc:postgresql://localhost/postgres?user=postgres}).
 */
public final class TestDatabases {
    private static EmbeddedPostgres embedded;
    private static int created;

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

    private static String newPostgresDatabase() {
        String name = "annotask_test_" + ProcessHandle.current().pid() + "_" + (++created);
        String adminUrl = adminUrl();
        try (Connection connection = DriverManager.getConnection(adminUrl);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
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
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary cluster directory goes with it
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /** The same server URL pointing at another database name. */
    private static String replaceDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
