package dev.annotask.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Exports at scale: seeds an app with N image inputs in a dataset, each with one final box
 * annotation (straight into the database, as {@link Seeds} does: no seeding is part of a
 * figure), then against the real server jar in a JVM with the server's 256 MiB heap times
 * PostDatasetVersions, the version's build in the background (its snapshot copied in batches and
 * its metrics counted, to READY), and a COCO and a JSONL export
 * of the version from request to SUCCESS, on SQLite and PostgreSQL. A build that runs out of
 * memory fails the export, and the run says so. bench/export.sh runs it.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Measures dataset versions and exports.")
public final class ExportBench implements Callable<Integer> {
    static final String ADMIN_TOKEN = "bench-export-admin-token-7c1d";
    private static final String APP = "/v2/users/me/apps/exports";

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--inputs", description = "inputs, each with one annotation (default: 1000000)")
    int inputs = 1_000_000;

    @Option(names = "--formats", split = ",", description = "export formats (default: COCO,JSONL)")
    List<String> formats = List.of("COCO", "JSONL");

    @Option(names = "--jar", description = "the server jar (default: target/annotask.jar)")
    Path jar = Path.of("target", "annotask.jar");

    @Option(names = "--server-jvm-options", description = "options for the server JVM, space separated (default: -Xmx256m)")
    String serverJvmOptions = "-Xmx256m";

    @Option(names = "--output", description = "Markdown besides stdout (default: target/bench/export.md)")
    Path output = Path.of("target", "bench", "export.md");

    private final StringBuilder out = new StringBuilder();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExportBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        line(String.format(Locale.ROOT, "Machine: %d cores, %s %s; load average before the run %s.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim()));
        line(String.format(Locale.ROOT, "Settings: %,d image inputs in one dataset, one final box annotation each;"
                + " server JVM %s.%n", inputs, serverJvmOptions));
        line("| database | step | seconds | inputs/s | ZIP MB | outcome |");
        line("|---|---|---|---|---|---|");
        for (String database : databases) {
            run(database.equalsIgnoreCase("postgresql") ? SqlDialect.POSTGRESQL : SqlDialect.SQLITE);
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, out.toString());
        return 0;
    }

    private void run(SqlDialect dialect) throws Exception {
        Path data = TestDatabases.tempDirectory();
        String url = dialect == SqlDialect.POSTGRESQL ? BenchDatabases.postgres(true)
                : SqlDialect.sqliteUrl(data.resolve("annotask.db"));
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN));
        if (dialect == SqlDialect.POSTGRESQL) {
            args.addAll(List.of("--db", url));
        }
        String name = dialect == SqlDialect.POSTGRESQL ? "PostgreSQL" : "SQLite";
        try (ServerProcess server = ServerProcess.startJar(jar, List.of(serverJvmOptions.trim().split("\\s+")),
                args.toArray(String[]::new))) {
            BenchHttp http = new BenchHttp(server.port());
            http.call("POST", "/v2/users/me/apps", ADMIN_TOKEN, "{\"apps\":[{\"id\":\"exports\"}]}");
            http.call("POST", APP + "/concepts", ADMIN_TOKEN, "{\"concepts\":[{\"id\":\"cat\"},{\"id\":\"dog\"}]}");
            http.call("POST", APP + "/datasets", ADMIN_TOKEN, "{\"datasets\":[{\"id\":\"all\"}]}");
            seed(url, dialect);

            long started = System.nanoTime();
            http.call("POST", APP + "/datasets/all/versions", ADMIN_TOKEN, "{\"dataset_versions\":[{\"id\":\"v1\"}]}");
            row(name, "PostDatasetVersions (the request)", started, 0, "10000");
            started = System.nanoTime();
            String status = await(http, APP + "/datasets/all/versions/v1", "dataset_version", 64005, 64010);
            row(name, "snapshot copied and metrics counted (to READY)", started, 0, status);
            for (String format : formats) {
                started = System.nanoTime();
                String posted = http.call("POST", APP + "/exports", ADMIN_TOKEN, "{\"exports\":[{\"format\":\"" + format
                        + "\",\"dataset_id\":\"all\",\"dataset_version_id\":\"v1\"}]}");
                String id = JsonParser.parseString(posted).getAsJsonObject().getAsJsonArray("exports").get(0)
                        .getAsJsonObject().get("id").getAsString();
                String done = await(http, APP + "/exports/" + id, "export", 64201, 64203);
                JsonObject export = JsonParser.parseString(http.call("GET", APP + "/exports/" + id, ADMIN_TOKEN, null))
                        .getAsJsonObject().getAsJsonObject("export");
                row(name, format + " export (request to SUCCESS)", started,
                        export.has("size") ? export.get("size").getAsLong() : 0, done);
            }
        }
    }

    /** Polls until the resource's status leaves the waiting codes; its final status code and details. */
    private static String await(BenchHttp http, String path, String field, int... waiting) throws InterruptedException {
        while (true) {
            JsonObject status = JsonParser.parseString(http.call("GET", path, ADMIN_TOKEN, null)).getAsJsonObject()
                    .getAsJsonObject(field).getAsJsonObject("status");
            int code = status.get("code").getAsInt();
            if (java.util.Arrays.stream(waiting).noneMatch(w -> w == code)) {
                return code + (status.has("details") ? " " + status.get("details").getAsString() : "");
            }
            Thread.sleep(200);
        }
    }

    private void row(String database, String step, long startedNanos, long bytes, String outcome) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        line(String.format(Locale.ROOT, "| %s | %s | %.1f | %,.0f | %s | %s |", database, step, seconds, inputs / seconds,
                bytes > 0 ? String.format(Locale.ROOT, "%.1f", bytes / 1048576.0) : "", outcome));
    }

    /** N image inputs (640×480 JPEG sizes, no bytes) in dataset "all", one final cat box each. */
    private void seed(String url, SqlDialect dialect) throws SQLException {
        boolean pg = dialect == SqlDialect.POSTGRESQL;
        String numbers = pg ? "SELECT g AS n FROM generate_series(0, ? - 1) g"
                : "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n + 1 < ?) SELECT n FROM g";
        String json = pg ? "::jsonb" : "";
        String pad = pg ? "lpad(n::text, 8, '0')" : "printf('%08d', n)";
        try (Connection db = DriverManager.getConnection(url)) {
            db.setAutoCommit(false);
            String app;
            try (Statement statement = db.createStatement();
                 var rs = statement.executeQuery("SELECT uid FROM apps WHERE id = 'exports'")) {
                rs.next();
                app = rs.getString(1);
            }
            exec(db, "INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at, image_width,"
                    + " image_height, image_format) SELECT ?, 'input-' || " + pad + ", ('{\"image\":{\"url\":"
                    + "\"https://images.example.com/' || n || '.jpg\"}}')" + json + ", 0, 30000, 0, 0, 640, 480, 'JPEG' FROM ("
                    + numbers + ") s ORDER BY n", app, inputs);
            exec(db, "INSERT INTO dataset_inputs (app_uid, dataset_id, input_id, created_at, input_seq)"
                    + " SELECT app_uid, 'all', id, 0, seq FROM inputs WHERE app_uid = ?", app);
            exec(db, "INSERT INTO annotations (app_uid, id, input_id, task_id, user_id, data, status, created_at,"
                    + " modified_at) SELECT app_uid, 'a-' || id, id, '', 'admin', '{\"regions\":[{\"region_info\":"
                    + "{\"bounding_box\":{\"top_row\":0.1,\"left_col\":0.2,\"bottom_row\":0.5,\"right_col\":0.6}},"
                    + "\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}'" + json + ", 24150, 0, 0"
                    + " FROM inputs WHERE app_uid = ?", app);
            exec(db, "UPDATE apps SET input_count = input_count + ? WHERE uid = ?", inputs, app);
            exec(db, "UPDATE datasets SET input_count = input_count + ? WHERE app_uid = ? AND id = 'all'", inputs, app);
            db.commit();
            db.setAutoCommit(true);
            try (Statement statement = db.createStatement()) {
                statement.execute(pg ? "VACUUM ANALYZE" : "PRAGMA optimize");
            }
        }
    }

    private static void exec(Connection db, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private void line(String text) {
        System.out.println(text);
        out.append(text).append('\n');
    }
}
