package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.TestDatabases;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration V11 on a database with a task in progress: the task keeps its split input by input
 * and its workers' cursors carry on where they were (no pass under way), while tasks made
 * afterwards split by bucket. On both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class PartitionBucketsMigrationTest {
    @Parameter
    SqlDialect dialect;

    @Test
    void tasksInProgressKeepTheirSplitAndTheirCursors() {
        String url = TestDatabases.newDatabase(dialect);
        Flyway.configure().dataSource(url, null, null).locations(dialect.migrationLocation()).target("8").load()
                .migrate();
        Jdbi.create(url).useHandle(handle -> {
            handle.execute("INSERT INTO users (id, created_at) VALUES ('owner', 1)");
            handle.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('u1', 'owner', 'a', 1, 1)");
            handle.execute("INSERT INTO tasks (app_uid, id, spec, input_source_type, status, created_at, modified_at)"
                    + " VALUES ('u1', 'before', '{}', 1, 1, 1, 1)");
            handle.execute("INSERT INTO task_cursors (app_uid, task_id, worker_id, last_seq) VALUES ('u1', 'before', 'w1', 42)");
        });

        try (Database database = Database.open(url, null, null, 2)) {
            database.jdbi().useHandle(handle -> {
                handle.execute("INSERT INTO tasks (app_uid, id, spec, input_source_type, status, created_at, modified_at)"
                        + " VALUES ('u1', 'after', '{}', 1, 1, 1, 1)");
                List<String> tasks = handle.createQuery("SELECT id, partition_by_input FROM tasks ORDER BY id")
                        .map((rs, ctx) -> rs.getString(1) + " " + rs.getBoolean(2)).list();
                assertThat(tasks).containsExactly("after false", "before true");
                assertThat(handle.createQuery("SELECT last_seq, pass_to, bucket_at, bucket_seq FROM task_cursors")
                        .map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).one())
                        .containsExactly(42L, 0L, 0L, 0L);
            });
        }
    }
}
