package dev.annotask.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.annotask.AnnotaskServer;
import dev.annotask.Main;
import dev.annotask.config.MediaSettings;
import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The way from one node to several: data made through the API on SQLite, {@code annotask
 * migrate-db} into an empty PostgreSQL database, and a server on PostgreSQL serves the same
 * data and labeling carries on where it stopped.
 */
class MigrateDbTest {
    private static final String TASK = "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"PARTITIONED\","
            + "\"user_ids\":[\"w1\",\"w2\"],\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}},"
            + "\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"NONE\"}}";

    /** The address clients use stays the same across the move, so hosted URLs of stored bytes do too. */
    private static final MediaSettings PUBLIC = MediaSettings.DEFAULT.withPublicUrl("https://labels.example.com");

    @Test
    void sqliteDataMovesToAnEmptyPostgresAndLabelingContinues() throws Exception {
        Path data = TestDatabases.tempDirectory();
        AnnotaskServer sqlite = new AnnotaskServer(ServerConfig.forDirectory(data)
                .withAdminToken(RunningServer.ADMIN_TOKEN).withMedia(PUBLIC)).stopGrace(Duration.ZERO).start();
        ApiClient before = new ApiClient(sqlite.httpPort());
        Fixtures people = new Fixtures(before);
        String ownerToken = people.createUserWithToken("owner");
        Map<String, String> tokens = Map.of("w1", people.createUserWithToken("w1"), "w2", people.createUserWithToken("w2"));
        DataFixtures app = DataFixtures.newApp(before, "owner", ownerToken, "pets");
        app.addCollaborators(ownerToken, "w1", "w2");
        app.postConcepts("cat");
        app.postTextInputs(IntStream.range(0, 60).mapToObj(i -> "in" + i).toArray(String[]::new));
        for (String image : List.of("kept", "img")) {
            assertThat(app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"" + image + "\",\"data\":{\"image\":"
                    + "{\"base64\":\"iVBORw0KGgo=\"}}}]}", MultiInputResponse.getDefaultInstance()).code()).isEqualTo(10000);
        }
        app.postDatasets("ds");
        assertThat(app.call("POST", "/v2/datasets/ds/inputs", "{\"dataset_inputs\":[{\"input\":{\"id\":\"in1\"}}]}",
                MultiDatasetInputResponse.getDefaultInstance()).code()).isEqualTo(10000);
        // The newest input goes: PostgreSQL must not give its seq out again. Deleted before the
        // task exists, so that no labeler's batch can hold it (which input lands in whose batch
        // depends on the task's random id).
        assertThat(app.call("DELETE", "/v2/inputs/img", null, BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        String taskId = app.postTask(TASK).getId();
        Labeler w1 = new Labeler(before, "w1", tokens.get("w1"), app);
        w1.labelBatch(taskId, w1.start(taskId), "cat");
        List<TaskAssignment> unfinished = w1.start(taskId);
        assertThat(unfinished).isNotEmpty();
        Map<String, Message> served = servedViews(app, taskId);
        sqlite.close();

        String postgres = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        assertThat(migrate(data, postgres)).isZero();
        Path sqliteFile = data.resolve("annotask.db");
        assertThat(rowCounts(postgres)).isEqualTo(rowCounts(SqlDialect.sqliteUrl(sqliteFile)));
        assertThat(storedCounts(postgres)).as("counts copied once, not counted again by the triggers")
                .isNotEmpty().isEqualTo(freshCounts(postgres));

        try (AnnotaskServer server = new AnnotaskServer(ServerConfig.forDirectory(TestDatabases.tempDirectory())
                .withDatabase(postgres, null, null).withAdminToken("another-admin-token-0123456789").withMedia(PUBLIC))
                .stopGrace(Duration.ZERO).start()) {
            assertThat(server.createdAdminToken()).as("the admin came across; no new one").isEmpty();
            assertThat(server.givenAdminTokenIgnored()).as("a token that is not the admin's is named as such").isTrue();
            ApiClient after = new ApiClient(server.httpPort());
            DataFixtures moved = app.through(after);
            assertThat(servedViews(moved, taskId)).isEqualTo(served);

            Labeler w1After = new Labeler(after, "w1", tokens.get("w1"), moved);
            List<TaskAssignment> resumed = w1After.start(taskId);
            assertThat(resumed).extracting(TaskAssignment::getId)
                    .containsExactlyElementsOf(unfinished.stream().map(TaskAssignment::getId).toList());
            w1After.labelBatch(taskId, resumed, "cat");
            Labeler w2After = new Labeler(after, "w2", tokens.get("w2"), moved);
            w2After.labelBatch(taskId, w2After.start(taskId), "cat");

            moved.postTextInputs("late");
            assertThat(moved.inputIds("?per_page=100")).last().isEqualTo("late");
            assertThat(seqOf(postgres, "late")).isGreaterThan(highestSqliteSeq(sqliteFile, "inputs"));

            assertThat(storedCounts(postgres)).as("the triggers count again after the copy")
                    .isEqualTo(freshCounts(postgres));

            assertThat(migrate(data, postgres)).as("a database with rows is refused").isEqualTo(2);
            assertThat(moved.inputIds("?per_page=100")).contains("late");
        }
    }

    private static int migrate(Path data, String postgresUrl) {
        return new CommandLine(new Main()).execute("migrate-db", "--data", data.toString(), "--db", postgresUrl);
    }

    /** What the API shows of the app, each reply without its status (request ids differ). */
    private static Map<String, Message> servedViews(DataFixtures app, String taskId) {
        Map<String, Message> views = new LinkedHashMap<>();
        views.put("inputs", app.call("GET", "/v2/inputs?per_page=100", null, MultiInputResponse.getDefaultInstance())
                .message());
        views.put("dataset", app.call("GET", "/v2/datasets/ds/inputs", null,
                MultiDatasetInputResponse.getDefaultInstance()).message());
        views.put("task", app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=all", null,
                SingleTaskResponse.getDefaultInstance()).message());
        views.put("counts", app.call("GET", "/v2/tasks/" + taskId + "/inputs/count", null,
                SingleTaskCountResponse.getDefaultInstance()).message());
        views.put("annotationCounts", app.call("GET", "/v2/tasks/" + taskId + "/annotations/count", null,
                SingleTaskCountResponse.getDefaultInstance()).message());
        views.put("annotations", app.call("GET", "/v2/annotations?per_page=100", null,
                MultiAnnotationResponse.getDefaultInstance()).message());
        views.replaceAll((name, reply) -> reply.toBuilder()
                .clearField(reply.getDescriptorForType().findFieldByName("status")).build());
        return views;
    }

    private static Map<String, Long> rowCounts(String jdbcUrl) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            for (String table : List.of("users", "apps", "api_keys", "collaborators", "concepts", "inputs",
                    "input_bytes", "datasets", "dataset_inputs", "tasks", "task_members", "task_assignments",
                    "task_inputs", "task_cursors", "annotations", "task_reviews", "task_status_counts")) {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    private static final String ORDER = " ORDER BY app_uid, task_id, kind, user_id, status";

    /** The counts the triggers keep (task_status_counts), one line per row. */
    private static List<String> storedCounts(String jdbcUrl) throws SQLException {
        return lines(jdbcUrl, "SELECT app_uid, task_id, kind, user_id, status, n FROM task_status_counts" + ORDER);
    }

    /** What task_status_counts should hold: a GROUP BY over the rows it counts. */
    private static List<String> freshCounts(String jdbcUrl) throws SQLException {
        return lines(jdbcUrl, "SELECT * FROM (SELECT app_uid, task_id, 'assignment' AS kind, worker_id AS user_id,"
                + " status, COUNT(*) AS n FROM task_assignments GROUP BY app_uid, task_id, worker_id, status"
                + " UNION ALL SELECT app_uid, task_id, 'annotation' AS kind, user_id, status, COUNT(*) AS n"
                + " FROM annotations WHERE task_id <> '' GROUP BY app_uid, task_id, user_id, status) AS c" + ORDER);
    }

    private static List<String> lines(String jdbcUrl, String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                lines.add(String.join(" ", rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5), rows.getString(6)));
            }
        }
        return lines;
    }

    private static long seqOf(String postgresUrl, String inputId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgresUrl);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT seq FROM inputs WHERE id = '" + inputId + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long highestSqliteSeq(Path sqliteFile, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = '" + table + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
