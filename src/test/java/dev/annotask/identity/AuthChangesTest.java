package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.identity.AuthorizationCache.Principal;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.TestDatabases;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The change counter on a real database, as two nodes see it: two {@link Database}s (two pools,
 * two Jdbis; on SQLite two group-commit writers) on one database stand for two servers, each
 * with its cache. Writes go through the database's units of work as requests' do. Polls are
 * called by hand and time is the test's, so nothing here waits.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AuthChangesTest {
    @Parameter
    SqlDialect dialect;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger loads = new AtomicInteger();
    private Database nodeA;
    private Database nodeB;
    private AuthorizationCache cacheA;
    private AuthorizationCache cacheB;

    @BeforeEach
    void openTwoNodes() {
        String url = TestDatabases.newDatabase(dialect);
        nodeA = Database.open(url, null, null, 2);
        nodeB = Database.open(url, null, null, 2);
        cacheA = new AuthorizationCache(100, nanos::get);
        cacheB = new AuthorizationCache(100, nanos::get);
        AuthChanges.onBump(nodeA.jdbi(), cacheA::changedHere);
        AuthChanges.onBump(nodeB.jdbi(), cacheB::changedHere);
        cacheA.poll(nodeA.jdbi());
        cacheB.poll(nodeB.jdbi());
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    /** Looks the key up in the cache; the loader counts how often the database would be read. */
    private Optional<Principal> lookUp(AuthorizationCache cache) {
        return cache.principal("h", () -> {
            loads.incrementAndGet();
            ApiKey key = new ApiKey("h", "fp", "alice", KeyType.PERSONAL_ACCESS_TOKEN, null, "", Set.of(Scopes.ALL),
                    0, 0);
            return Optional.of(new Principal(key, new User("alice", "", "", "", false, 0), null));
        });
    }

    /** Looks up twice and returns how many of the two read the database. */
    private int loadsOfTwoLookUps(AuthorizationCache cache) {
        int before = loads.get();
        lookUp(cache);
        lookUp(cache);
        return loads.get() - before;
    }

    @Test
    void aBumpStopsTheWritingNodesCacheAtOnceAndTheOthersAtItsNextPoll() {
        assertThat(loadsOfTwoLookUps(cacheA)).isEqualTo(1);
        assertThat(loadsOfTwoLookUps(cacheB)).isEqualTo(1);

        nodeA.units().write(handle -> {
            AuthChanges.bump(handle);
            // Between the bump and the commit: what is read now may be about to change.
            assertThat(cacheA.size()).as("cleared at the bump").isZero();
            lookUp(cacheA);
            return null;
        });

        assertThat(loadsOfTwoLookUps(cacheA)).as("the writing node answers nothing from memory").isEqualTo(2);
        assertThat(loadsOfTwoLookUps(cacheB)).as("the other node has not polled yet").isZero();

        cacheA.poll(nodeA.jdbi());
        cacheB.poll(nodeB.jdbi());
        assertThat(loadsOfTwoLookUps(cacheA)).as("its poll read the new version back").isEqualTo(1);
        assertThat(loadsOfTwoLookUps(cacheB)).as("its poll saw the counter move and cleared").isEqualTo(1);

        cacheB.poll(nodeB.jdbi());
        assertThat(loadsOfTwoLookUps(cacheB)).as("a poll that sees no change keeps the entries").isZero();
    }

    @Test
    void aBumpRolledBackChangesNothingElsewhereAndIsGivenUpAfterTheTtl() {
        long before = nodeA.jdbi().withHandle(AuthChanges::version);

        assertThatThrownBy(() -> nodeA.units().write(handle -> {
            AuthChanges.bump(handle);
            throw new IllegalStateException("the write failed after its bump");
        })).hasMessageContaining("the write failed");

        assertThat(nodeA.jdbi().withHandle(AuthChanges::version)).isEqualTo(before);
        cacheA.poll(nodeA.jdbi());
        assertThat(loadsOfTwoLookUps(cacheA)).as("still waiting for a version that will not come").isEqualTo(2);
        nanos.addAndGet(AuthorizationCache.TTL.toNanos());
        cacheA.poll(nodeA.jdbi());
        assertThat(loadsOfTwoLookUps(cacheA)).as("given up after a ttl").isEqualTo(1);
    }

    @Test
    void theCounterStartsAtZeroWithNoRowAndCountsEveryBump() {
        long rows = nodeA.jdbi().withHandle(handle ->
                handle.createQuery("SELECT COUNT(*) FROM auth_changes").mapTo(Long.class).one());
        assertThat(rows).as("a new database holds no row, so migrate-db still finds it empty").isZero();
        assertThat(nodeA.jdbi().withHandle(AuthChanges::version)).isZero();
        nodeA.units().write(handle -> {
            AuthChanges.bump(handle);
            return null;
        });
        nodeB.units().write(handle -> {
            AuthChanges.bump(handle);
            return null;
        });
        assertThat(nodeB.jdbi().withHandle(AuthChanges::version)).isEqualTo(2);
    }
}
