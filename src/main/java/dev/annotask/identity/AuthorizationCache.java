package dev.annotask.identity;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link AccessControl} read from the database for recent callers, so that a request
 * costs no query to authorize: a key's row with its user (and an app key's app), found by the
 * secret's hash, and a token's way into an app (the app, and the collaboration if it is not
 * the caller's own). docs/SECURITY.md, "The authorization cache", says what it promises.
 *
 * <ul>
 *   <li><b>Only answers that grant are kept.</b> A secret, app or grant that matches nothing,
 *       and a key of a disabled user, is asked of the database every time, so made-up keys
 *       cannot fill or churn the cache, and a new key, app or collaboration (or a user enabled
 *       again) works at once.</li>
 *   <li><b>Bounded.</b> At most {@value #MAX_ENTRIES} keys and as many app accesses, the least
 *       recently used dropped first; an entry lives at most {@link #TTL}; an entry with more
 *       than {@value #MAX_CACHED_TEXT} characters of free text (descriptions, notes,
 *       metadata) is not kept.</li>
 *   <li><b>Cleared on change.</b> Writes that can take access away bump {@link AuthChanges}.
 *       Every node reads the counter every {@link #POLL_EVERY} and clears when it moved, and
 *       uses its entries only while a poll that started less than {@link #TRUSTED_FOR} ago
 *       succeeded, so a change committed more than that ago is never answered from here, even
 *       when polls fail or run late. The node that writes also clears at once and answers
 *       nothing from memory until a poll has read its new version back
 *       ({@link #changedHere}).</li>
 *   <li>Expiry is not cached: {@link AccessControl} checks it on every call.</li>
 *   <li>Keyed by the HMAC of the secret ({@link KeyHasher}), never the secret.</li>
 * </ul>
 * Thread-safe.
 */
public final class AuthorizationCache implements AutoCloseable {
    static final int MAX_ENTRIES = 10_000;
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration POLL_EVERY = Duration.ofMillis(500);
    static final Duration TRUSTED_FOR = Duration.ofSeconds(1);
    static final int MAX_CACHED_TEXT = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCache.class);

    /** A known key with its user, and for an app key the app it is bound to (else null). */
    public record Principal(ApiKey key, User user, App boundApp) {
    }

    /** A token user's way into an app: the app, and their collaboration (null on their own app). */
    public record AppAccess(App app, Collaborator grant) {
    }

    private record AccessKey(String userId, String ownerId, String appId) {
    }

    private final BoundedCache<String, Principal> principals;
    private final BoundedCache<AccessKey, AppAccess> accesses;
    private final BoundedCache<String, Set<String>> subscribedTypes;
    private final LongSupplier nanoTime;
    private final Object pollLock = new Object();
    private long seenVersion;
    private boolean seenAny;
    /** A version this node wrote and has not yet read back (0: none), and since when. */
    private volatile long awaitedVersion;
    private long awaitingSince;
    private volatile boolean polledOnce;
    private volatile long lastGoodPollStartedAt;
    private boolean pollFailing;
    private ScheduledExecutorService poller;

    /** A cache that trusts its entries only once {@link #versionSeen} has been called (tests drive it). */
    AuthorizationCache(int maxEntries, LongSupplier nanoTime) {
        this.principals = new BoundedCache<>(maxEntries, TTL, nanoTime);
        this.accesses = new BoundedCache<>(maxEntries, TTL, nanoTime);
        this.subscribedTypes = new BoundedCache<>(maxEntries, TTL, nanoTime);
        this.nanoTime = nanoTime;
    }

    /**
     * The cache of a server on this database: told of every bump of {@link AuthChanges} made
     * through this Jdbi, and polling the counter until closed.
     */
    public static AuthorizationCache watching(Jdbi jdbi) {
        AuthorizationCache cache = new AuthorizationCache(MAX_ENTRIES, System::nanoTime);
        AuthChanges.onBump(jdbi, cache::changedHere);
        cache.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "annotask-auth-changes");
            thread.setDaemon(true);
            return thread;
        });
        cache.poller.scheduleWithFixedDelay(() -> cache.poll(jdbi), 0, POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return cache;
    }

    /** The key stored under this hash: cached, or loaded (and kept when it exists). */
    public Optional<Principal> principal(String keyHash, Supplier<Optional<Principal>> load) {
        return lookUp(principals, keyHash, load,
                p -> !p.user().disabled() && length(p.key().description()) + text(p.boundApp()) <= MAX_CACHED_TEXT);
    }

    /** How the token user reaches the owner's app: cached, or loaded (and kept when they may). */
    public Optional<AppAccess> access(String userId, String ownerId, String appId, Supplier<Optional<AppAccess>> load) {
        return lookUp(accesses, new AccessKey(userId, ownerId, appId), load, a -> text(a.app()) <= MAX_CACHED_TEXT);
    }

    /**
     * The event types the app's webhooks subscribe to (empty: none), asked by every write that
     * may cause an event (the event package's Events), so that an app without subscriptions pays
     * no query for them. Kept and cleared like the rest: PostWebhooks and DeleteWebhooks bump
     * {@link AuthChanges}, so this node answers afresh at once and every other node within
     * {@link #TRUSTED_FOR}. Unlike the rest, "none" is kept too (it is the common answer); the key
     * is an app uid, which only an authorized caller reaches.
     */
    public Set<String> subscribedEventTypes(String appUid, Supplier<Set<String>> load) {
        return lookUp(subscribedTypes, appUid, () -> Optional.of(Set.copyOf(load.get())), types -> true).orElseThrow();
    }

    private <K, V> Optional<V> lookUp(BoundedCache<K, V> cache, K key, Supplier<Optional<V>> load, Predicate<V> keep) {
        if (trusted()) {
            V cached = cache.get(key);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        long generation = cache.generation();
        Optional<V> loaded = load.get();
        loaded.filter(keep).ifPresent(value -> cache.putIfUnchanged(key, value, generation));
        return loaded;
    }

    private boolean trusted() {
        long now = nanoTime.getAsLong();
        return polledOnce && now - lastGoodPollStartedAt < TRUSTED_FOR.toNanos()
                && (awaitedVersion == 0 || giveUpWaiting(now));
    }

    /** A bump whose transaction rolled back never shows; after a ttl, stop waiting for it. */
    private boolean giveUpWaiting(long now) {
        synchronized (pollLock) {
            if (awaitedVersion != 0 && now - awaitingSince >= TTL.toNanos()) {
                clear();
                awaitedVersion = 0;
            }
            return awaitedVersion == 0;
        }
    }

    /** Characters of free text (descriptions, notes, metadata) the entry would hold. */
    private static int text(App app) {
        return app == null ? 0 : length(app.name()) + length(app.description()) + length(app.notes())
                + length(app.metadataJson());
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** Forgets everything; loads already under way are not kept either. */
    void clear() {
        principals.clear();
        accesses.clear();
        subscribedTypes.clear();
    }

    /** Reads the counter once; what the poller thread runs every {@link #POLL_EVERY}. */
    void poll(Jdbi jdbi) {
        long startedAt = nanoTime.getAsLong();
        long version;
        try {
            version = jdbi.withHandle(AuthChanges::version);
        } catch (RuntimeException e) {
            // Entries stop being used once the last good poll is TRUSTED_FOR old; say so once.
            if (!pollFailing) {
                pollFailing = true;
                LOG.warn("cannot read auth_changes; authorizing from the database until it can be read: {}",
                        e.getMessage());
            }
            return;
        }
        if (pollFailing) {
            pollFailing = false;
            LOG.info("auth_changes can be read again");
        }
        versionSeen(version, startedAt);
    }

    /**
     * A transaction on this node bumped the counter to {@code version}, not yet committed:
     * clears now, and answers nothing from memory until a poll reads that version (or a later
     * one). Loads meanwhile may still read what the transaction is changing, and are kept, but
     * that poll sees the counter moved and clears them.
     */
    void changedHere(long version) {
        synchronized (pollLock) {
            clear();
            awaitedVersion = Math.max(awaitedVersion, version);
            awaitingSince = nanoTime.getAsLong();
        }
    }

    /**
     * A poll that started at {@code pollStartedAt} read this version: clears the cache when it
     * moved (or on the first poll), then trusts entries for {@link #TRUSTED_FOR} from that start.
     */
    void versionSeen(long version, long pollStartedAt) {
        synchronized (pollLock) {
            if (!seenAny || version != seenVersion) {
                clear();
                seenVersion = version;
                seenAny = true;
            }
            if (version >= awaitedVersion) {
                awaitedVersion = 0;
            }
            // Written after the clear: a reader that sees this time sees the cleared cache.
            lastGoodPollStartedAt = pollStartedAt;
            polledOnce = true;
        }
    }

    int size() {
        return principals.size() + accesses.size();
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
