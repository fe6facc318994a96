package dev.annotask.identity;

import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.JdbiConfig;

/**
 * The change counter {@code auth_changes.version} (migration V9) that tells every node its
 * {@link AuthorizationCache} may be stale: each write that can take access away (a key deleted
 * or replaced, a collaboration ended, an app deleted) {@linkplain #bump bumps} it in its own
 * transaction, and every node reads it twice a second.
 *
 * <p>The node that writes does not wait for its poll: a bump also tells that node's cache at
 * once, through the listener its server registered on the {@link Jdbi} ({@link #onBump}),
 * with the version the commit will make visible; the cache answers nothing from memory until
 * it has read that version back (see {@link AuthorizationCache#changedHere}). This works
 * whoever commits the transaction (a pooled one, or SQLite's group-commit writer, which
 * commits by hand). A process without a listener (the {@code admin-token} command) changes
 * only the counter.
 */
public final class AuthChanges {
    private AuthChanges() {
    }

    /**
     * Records, in the handle's transaction, that authorization may have changed. Call it last
     * in the transaction: it locks the counter's row until the commit, so a transaction holding
     * that lock never waits for another lock (no cycles), and concurrent changes wait for each
     * other only for the moment of a commit.
     */
    public static void bump(Handle handle) {
        // No row until the first bump: an empty table reads as 0, so migrate-db finds a new database empty.
        handle.createUpdate("""
                INSERT INTO auth_changes (id, version) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET version = auth_changes.version + 1""").execute();
        // Read from the Jdbi, not the handle: a long-lived handle (SQLite's writer) may predate the listener.
        handle.getJdbi().getConfig(Listener.class).onBump.accept(version(handle));
    }

    /** The counter's current value (0 before the first bump). */
    static long version(Handle handle) {
        return handle.createQuery("SELECT version FROM auth_changes WHERE id = 1").mapTo(Long.class).findOne()
                .orElse(0L);
    }

    /** Calls the listener, with the new version, whenever a transaction on this Jdbi bumps the counter. */
    static void onBump(Jdbi jdbi, LongConsumer listener) {
        jdbi.getConfig(Listener.class).onBump = listener;
    }

    /** Where a bump finds this node's listener: per {@link Jdbi}, so two servers in one JVM (tests) keep apart. */
    public static final class Listener implements JdbiConfig<Listener> {
        private volatile LongConsumer onBump = version -> { };

        public Listener() {
        }

        @Override
        public Listener createCopy() {
            Listener copy = new Listener();
            copy.onBump = onBump;
            return copy;
        }
    }
}
