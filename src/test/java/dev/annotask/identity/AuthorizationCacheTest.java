package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.identity.AuthorizationCache.AppAccess;
import dev.annotask.identity.AuthorizationCache.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The cache alone, on a clock the test moves: what it keeps, for how long, how much, and that
 * a flood of unknown keys neither fills it nor pushes out what it holds.
 */
class AuthorizationCacheTest {
    private static final int MAX = 100;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AuthorizationCache cache = new AuthorizationCache(MAX, nanos::get);
    private final AtomicInteger loads = new AtomicInteger();

    private void pollSees(long version) {
        cache.versionSeen(version, nanos.get());
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    private static Principal principal(String hash, String description) {
        ApiKey key = new ApiKey(hash, "fp-" + hash, "alice", KeyType.PERSONAL_ACCESS_TOKEN, null, description,
                Set.of(Scopes.ALL), 0, 0);
        return new Principal(key, new User("alice", "", "", "", false, 0), null);
    }

    /** A loader that counts its calls and finds the key only when {@code exists}. */
    private Supplier<Optional<Principal>> loader(String hash, boolean exists) {
        return () -> {
            loads.incrementAndGet();
            return exists ? Optional.of(principal(hash, "")) : Optional.empty();
        };
    }

    private Optional<Principal> lookUp(String hash, boolean exists) {
        return cache.principal(hash, loader(hash, exists));
    }

    @Test
    void aKnownKeyIsLoadedOnceAndThenAnsweredFromTheCache() {
        pollSees(0);
        assertThat(lookUp("k1", true)).isPresent();
        assertThat(lookUp("k1", true)).isPresent();
        assertThat(loads).hasValue(1);
    }

    @Test
    void aFloodOfUnknownKeysKeepsNothingAndPushesNothingOut() {
        pollSees(0);
        for (int i = 0; i < MAX; i++) {
            lookUp("known-" + i, true);
        }
        for (int i = 0; i < 100_000; i++) {
            assertThat(lookUp("made-up-" + i, false)).isEmpty();
        }
        assertThat(cache.size()).isEqualTo(MAX);
        loads.set(0);
        for (int i = 0; i < MAX; i++) {
            assertThat(lookUp("known-" + i, true)).isPresent();
        }
        assertThat(loads).as("every known key is still cached").hasValue(0);
        assertThat(lookUp("made-up-7", false)).as("an unknown key is asked every time").isEmpty();
        assertThat(loads).hasValue(1);
    }

    @Test
    void manyKnownKeysStayWithinTheBoundAndTheRecentlyUsedStay() {
        pollSees(0);
        lookUp("busy", true);
        for (int i = 0; i < 10 * MAX; i++) {
            lookUp("key-" + i, true);
            lookUp("busy", true);
        }
        assertThat(cache.size()).isEqualTo(MAX);
        loads.set(0);
        lookUp("busy", true);
        lookUp("key-" + (10 * MAX - 1), true);
        assertThat(loads).as("the most recently used are kept").hasValue(0);
        lookUp("key-0", true);
        assertThat(loads).as("the least recently used was dropped").hasValue(1);
    }

    @Test
    void anEntryLivesAtMostTheTtl() {
        pollSees(0);
        lookUp("k1", true);
        advanceMillis(AuthorizationCache.TTL.toMillis() - 1);
        pollSees(0);
        lookUp("k1", true);
        assertThat(loads).hasValue(1);
        advanceMillis(1);
        pollSees(0);
        lookUp("k1", true);
        assertThat(loads).as("reloaded once the ttl passed").hasValue(2);
    }

    @Test
    void entriesAreUsedOnlyWhileARecentPollSucceeded() {
        lookUp("k1", true);
        lookUp("k1", true);
        assertThat(loads).as("nothing is trusted before the first poll").hasValue(2);
        pollSees(0);
        lookUp("k1", true);
        lookUp("k1", true);
        assertThat(loads).as("the first poll starts afresh, then the cache answers").hasValue(3);

        advanceMillis(AuthorizationCache.TRUSTED_FOR.toMillis());
        lookUp("k1", true);
        lookUp("k1", true);
        assertThat(loads).as("no successful poll for a second: every call reads the database").hasValue(5);

        pollSees(0);
        lookUp("k1", true);
        assertThat(loads).as("the version did not move: what was loaded meanwhile is used").hasValue(5);
    }

    @Test
    void aMovedVersionClearsEverything() {
        pollSees(3);
        lookUp("k1", true);
        cache.access("alice", "bob", "pets", () -> {
            loads.incrementAndGet();
            return Optional.of(new AppAccess(new App("u1", "bob", "pets", "", "", "", "", null, 0, 0), null));
        });
        assertThat(cache.size()).isEqualTo(2);
        pollSees(4);
        assertThat(cache.size()).isZero();
        lookUp("k1", true);
        assertThat(loads).hasValue(3);
    }

    @Test
    void aLoadThatOverlapsAClearIsNotKept() {
        pollSees(0);
        Optional<Principal> loaded = cache.principal("k1", () -> {
            loads.incrementAndGet();
            Optional<Principal> readBeforeTheChange = Optional.of(principal("k1", ""));
            cache.clear(); // the change commits, and clears, while this load is under way
            return readBeforeTheChange;
        });
        assertThat(loaded).as("this call still gets its answer").isPresent();
        lookUp("k1", true);
        assertThat(loads).as("but the answer was not kept").hasValue(2);
    }

    @Test
    void anEntryWithLargeFreeTextIsNotKept() {
        pollSees(0);
        String large = "x".repeat(AuthorizationCache.MAX_CACHED_TEXT + 1);
        List<Optional<Principal>> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers.add(cache.principal("big", () -> {
                loads.incrementAndGet();
                return Optional.of(principal("big", large));
            }));
        }
        assertThat(answers).allSatisfy(answer -> assertThat(answer).isPresent());
        assertThat(loads).hasValue(2);
        assertThat(cache.size()).isZero();
    }
}
