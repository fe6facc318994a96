package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.annotask.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema and the vendor differences behave the same on SQLite and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class DatabaseTest {
    @Parameter
    SqlDialect dialect;

    private Database database;

    @BeforeEach
    void open() {
        database = Database.open(TestDatabases.newDatabase(dialect), null, null, 0);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void migratesAndAnswersHealthChecks() {
        assertThat(database.dialect()).isEqualTo(dialect);
        assertThat(database.isReachable()).isTrue();
        long tables = database.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) AS n FROM users").mapTo(Long.class).one());
        assertThat(tables).isZero();
        assertThat(database.toString()).doesNotContain("password");
    }

    @Test
    void uniqueViolationsAreRecognisedOnBothVendors() {
        insertUser("alice");
        Throwable failure = catchThrowable(() -> insertUser("alice"));
        assertThat(failure).isNotNull();
        assertThat(StoreFailures.isUniqueViolation(failure)).isTrue();
        assertThat(StoreFailures.isTransient(failure)).isFalse();
    }

    @Test
    void foreignKeysCascadeFromAppsToKeysAndCollaborators() {
        insertUser("alice");
        insertUser("bob");
        database.jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('u1', 'alice', 'a', 1, 1)");
            handle.execute("INSERT INTO api_keys (token_hash, fingerprint, user_id, type, app_uid, scopes, created_at)"
                    + " VALUES ('h', 'f', 'alice', 'app_specific_key', 'u1', 'All', 1)");
            handle.execute("INSERT INTO collaborators (id, app_uid, user_id, scopes, created_at, modified_at)"
                    + " VALUES ('c1', 'u1', 'bob', 'All', 1, 1)");
            handle.execute("DELETE FROM apps WHERE uid = 'u1'");
            assertThat(handle.createQuery("SELECT COUNT(*) AS n FROM api_keys").mapTo(Long.class).one()).isZero();
            assertThat(handle.createQuery("SELECT COUNT(*) AS n FROM collaborators").mapTo(Long.class).one()).isZero();
        });
    }

    @Test
    void onlyOneActiveCollaborationPerAppAndUser() {
        insertUser("alice");
        insertUser("bob");
        database.jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('u1', 'alice', 'a', 1, 1)");
            handle.execute("INSERT INTO collaborators (id, app_uid, user_id, scopes, created_at, modified_at, deleted_at)"
                    + " VALUES ('old', 'u1', 'bob', 'All', 1, 1, 5)");
            handle.execute("INSERT INTO collaborators (id, app_uid, user_id, scopes, created_at, modified_at)"
                    + " VALUES ('c1', 'u1', 'bob', 'All', 1, 1)");
            Throwable second = catchThrowable(() -> handle.execute("INSERT INTO collaborators"
                    + " (id, app_uid, user_id, scopes, created_at, modified_at) VALUES ('c2', 'u1', 'bob', 'All', 1, 1)"));
            assertThat(StoreFailures.isUniqueViolation(second)).isTrue();
        });
    }

    @Test
    void jsonMetadataRoundTripsThroughTheSameDml() {
        insertUser("alice");
        database.jdbi().useHandle(handle -> {
            handle.createUpdate("INSERT INTO apps (uid, user_id, id, metadata, created_at, modified_at)"
                    + " VALUES ('u1', 'alice', 'a', :metadata, 1, 1)").bind("metadata", "{\"k\": [1, 2]}").execute();
            String stored = handle.createQuery("SELECT metadata FROM apps WHERE uid = 'u1'").mapTo(String.class).one();
            assertThat(stored.replace(" ", "")).isEqualTo("{\"k\":[1,2]}");
        });
    }

    /**
     * PostgreSQL plans every execution for the table as it is: a lookup prepared while a table
     * was empty must not keep that table's plan (a full scan) once the table has grown.
     */
    @Test
    void postgresNeverSettlesOnAGenericPlan() {
        assumeTrue(dialect == SqlDialect.POSTGRESQL);
        insertUser("alice");
        long genericPlans = database.jdbi().withHandle(handle -> {
            for (int i = 0; i < 20; i++) {
                handle.createQuery("SELECT COUNT(*) FROM users WHERE id = :id").bind("id", "alice").mapTo(Long.class).one();
            }
            // Statements without a plan to choose (COMMIT) count as generic; only the lookup matters.
            return handle.createQuery("SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements"
                            + " WHERE statement LIKE 'SELECT COUNT(*) FROM users%'")
                    .mapTo(Long.class).one();
        });
        assertThat(genericPlans).isZero();
    }

    /**
     * PostgreSQL gets a batch of inserts as one multi-row insert (a statement-level trigger
     * runs once for it): the driver then reports no count per row, which it does only when it
     * rewrote the batch (into multi-row inserts of a power of two rows: four go as one).
     */
    @Test
    void postgresSendsBatchedInsertsAsOneStatement() {
        assumeTrue(dialect == SqlDialect.POSTGRESQL);
        int[] counts = database.jdbi().withHandle(handle -> {
            var batch = handle.prepareBatch("INSERT INTO users (id, created_at) VALUES (:id, 1)");
            for (String id : java.util.List.of("batch-a", "batch-b", "batch-c", "batch-d")) {
                batch.bind("id", id).add();
            }
            return batch.execute();
        });
        assertThat(counts).containsOnly(java.sql.Statement.SUCCESS_NO_INFO);
        long stored = database.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM users WHERE id LIKE 'batch-%'").mapTo(Long.class).one());
        assertThat(stored).isEqualTo(4);
    }

    private void insertUser(String id) {
        database.jdbi().useHandle(handle -> handle.createUpdate(
                "INSERT INTO users (id, created_at) VALUES (:id, 1)").bind("id", id).execute());
    }
}
