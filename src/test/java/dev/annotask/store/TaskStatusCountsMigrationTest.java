package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.StatusCounts;
import dev.annotask.testing.TestDatabases;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration V5 on a database that already holds labeling work: the counts it backfills equal a
 * GROUP BY over the rows (annotations outside tasks not counted, those of a deleted task still
 * counted), and its triggers keep them so afterwards. On both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskStatusCountsMigrationTest {
    @Parameter
    SqlDialect dialect;

    @Test
    void theBackfillCountsWhatWasThereAndTheTriggersCarryOn() {
        String url = TestDatabases.newDatabase(dialect);
        Flyway.configure().dataSource(url, null, null).locations(dialect.migrationLocation()).target("4").load()
                .migrate();
        Jdbi.create(url).useHandle(TaskStatusCountsMigrationTest::labelingWorkBeforeV5);

        try (Database database = Database.open(url, null, null, 2)) {
            database.jdbi().useHandle(handle -> {
                List<String> backfilled = StatusCounts.stored(handle);
                assertThat(backfilled).isEqualTo(StatusCounts.fresh(handle)).hasSize(7)
                        .contains("u1 t1 assignment w1 54201 2", "u1 t1 annotation w1 24151 3",
                                "u1 gone annotation w2 24150 1")
                        .noneMatch(line -> line.startsWith("u1  "));

                handle.execute("INSERT INTO task_assignments (id, app_uid, task_id, input_id, worker_id, status,"
                        + " created_at, modified_at) VALUES ('a9', 'u1', 't1', 'i3', 'w1', 54201, 1, 1)");
                handle.execute("UPDATE annotations SET status = 24150 WHERE id = 'n1'");
                handle.execute("DELETE FROM task_assignments WHERE id = 'a4'");
                assertThat(StatusCounts.stored(handle)).isEqualTo(StatusCounts.fresh(handle))
                        .contains("u1 t1 assignment w1 54201 3", "u1 t1 annotation w1 24151 2")
                        .noneMatch(line -> line.startsWith("u1 t2 assignment w2 54204"));
            });
        }
    }

    /** An app with two tasks' worth of assignments and annotations, one task deleted since, as V4 kept them. */
    private static void labelingWorkBeforeV5(Handle handle) {
        handle.execute("INSERT INTO users (id, created_at) VALUES ('owner', 1)");
        handle.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('u1', 'owner', 'a', 1, 1)");
        for (String task : List.of("t1", "t2")) {
            handle.execute("INSERT INTO tasks (app_uid, id, spec, input_source_type, status, created_at, modified_at)"
                    + " VALUES ('u1', ?, '{}', 1, 1, 1, 1)", task);
        }
        for (String input : List.of("i1", "i2", "i3")) {
            handle.execute("INSERT INTO inputs (app_uid, id, data, status, created_at, modified_at)"
                    + " VALUES ('u1', ?, '{}', 30000, 1, 1)", input);
        }
        Object[][] assignments = {
                {"a1", "t1", "i1", "w1", 54201}, {"a2", "t1", "i2", "w1", 54201}, {"a3", "t1", "i1", "w2", 54202},
                {"a4", "t2", "i1", "w2", 54204}, {"a5", "t2", "i2", "w1", 54200}};
        for (Object[] a : assignments) {
            handle.execute("INSERT INTO task_assignments (id, app_uid, task_id, input_id, worker_id, status, created_at,"
                    + " modified_at) VALUES (?, 'u1', ?, ?, ?, ?, 1, 1)", a);
        }
        Object[][] annotations = {
                {"n1", "i1", "t1", "w1", 24151}, {"n2", "i2", "t1", "w1", 24151}, {"n3", "i2", "t1", "w1", 24151},
                {"n4", "i1", "t1", "w2", 24152}, {"n5", "i1", "", "owner", 24150}, {"n6", "i2", "", "w1", 24150},
                {"n7", "i3", "gone", "w2", 24150}};
        for (Object[] a : annotations) {
            handle.execute("INSERT INTO annotations (id, app_uid, input_id, task_id, user_id, data, status, created_at,"
                    + " modified_at) VALUES (?, 'u1', ?, ?, ?, '{}', ?, 1, 1)", a);
        }
    }
}
