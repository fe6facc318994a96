package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.TestDatabases;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer's statement cache: the same SQL reuses one prepared statement; the cache stays bounded. */
class CachedStatementsTest {
    private Database database;
    private Handle handle;
    private final List<PreparedStatement> used = new ArrayList<>();

    @BeforeEach
    void open() {
        database = Database.open(TestDatabases.newDatabase(SqlDialect.SQLITE), null, null, 0);
        handle = database.jdbi().open();
        handle.setStatementBuilder(new CachedStatements());
        handle.addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext context) {
                used.add(statement);
            }
        });
    }

    @AfterEach
    void close() {
        handle.close();
        database.close();
    }

    @Test
    void theSameSqlRunsOnOnePreparedStatementWithFreshParameters() {
        for (String id : List.of("a", "b", "c")) {
            handle.createUpdate("INSERT INTO users (id, created_at) VALUES (:id, 1)").bind("id", id).execute();
        }
        List<String> read = new ArrayList<>();
        for (String id : List.of("a", "c")) {
            read.add(handle.createQuery("SELECT id FROM users WHERE id = :id").bind("id", id).mapTo(String.class).one());
        }

        assertThat(read).containsExactly("a", "c");
        assertThat(used.get(1)).isSameAs(used.get(0));
        assertThat(used.get(2)).isSameAs(used.get(0));
        assertThat(used.get(4)).isSameAs(used.get(3)).isNotSameAs(used.get(0));
    }

    @Test
    void theLeastRecentlyUsedStatementIsClosedPastTheCapacity() throws Exception {
        handle.createQuery("SELECT 0").mapTo(Integer.class).one();
        PreparedStatement oldest = used.get(0);
        for (int i = 1; i <= CachedStatements.CAPACITY; i++) {
            assertThat(handle.createQuery("SELECT " + i).mapTo(Integer.class).one()).isEqualTo(i);
        }

        assertThat(oldest.isClosed()).isTrue();
        assertThat(used.get(1).isClosed()).as("still among the kept").isFalse();
        assertThat(handle.createQuery("SELECT 0").mapTo(Integer.class).one()).isZero();
    }
}
