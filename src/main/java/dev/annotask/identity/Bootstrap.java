package dev.annotask.identity;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The admin's personal access token: made on an empty database, checked against the
 * operator's {@code --admin-token}, and replaced by {@code annotask admin-token}.
 *
 * <p>On an empty database the first start makes user {@code admin} with a token holding
 * {@code All}: the operator's {@code --admin-token} when given, else a random one. A random
 * token is handed to the caller's delivery (which prints it) inside the transaction that stores
 * it, before the commit: if delivery fails the token is not stored, and a process that dies
 * between the two leaves no admin, so the next start makes and prints another. The one case
 * left is a token printed whose commit then never happened; the last token printed is always
 * the one that works, and {@link #replaceTokens} recovers from anything else.
 *
 * <p>Safe when several nodes start at once on one empty database: only the node whose insert
 * of {@code admin} took effect writes a token (PostgreSQL makes the others wait for its
 * transaction, then insert nothing). Thread-safe.
 */
public final class Bootstrap {
    public static final String ADMIN_ID = "admin";

    private final Jdbi jdbi;
    private final UserStore users;
    private final KeyStore keys;
    private final Clock clock;

    public Bootstrap(Jdbi jdbi, KeyStore keys, Clock clock) {
        this.jdbi = jdbi;
        this.users = new UserStore();
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Makes the admin on an empty database.
     *
     * @param givenToken the operator's token, or null for a random one
     * @param deliverGenerated receives a random token before it is committed; may throw to refuse it
     * @return the token when this call made the admin; empty when the database had users
     */
    public Optional<String> run(String givenToken, Consumer<String> deliverGenerated) {
        if (!jdbi.withHandle(users::isEmpty)) {
            return Optional.empty();
        }
        boolean generated = givenToken == null;
        String token = generated ? Secrets.newSecret() : givenToken;
        long now = clock.millis();
        AtomicBoolean delivered = new AtomicBoolean();
        try {
            boolean created = jdbi.inTransaction(handle -> {
                if (!UserStore.insertIfAbsent(handle, new User(ADMIN_ID, "", "", "", true, now))) {
                    return false;
                }
                insertToken(handle, token, "bootstrap admin token", now);
                if (generated) {
                    deliverGenerated.accept(token);
                    delivered.set(true);
                }
                return true;
            });
            return created ? Optional.of(token) : Optional.empty();
        } catch (RuntimeException e) {
            if (delivered.get()) {
                throw new IllegalStateException("the admin token printed above was not stored (its commit failed);"
                        + " the next start makes and prints a new one", e);
            }
            throw e;
        }
    }

    /** True when the token is a live personal access token of the admin. */
    public boolean isAdminToken(String token) {
        return jdbi.withHandle(handle -> keys.findBySecret(handle, token))
                .filter(key -> key.userId().equals(ADMIN_ID) && key.type() == KeyType.PERSONAL_ACCESS_TOKEN)
                .filter(key -> !key.expiredAt(clock.millis()))
                .isPresent();
    }

    /**
     * Replaces every personal access token of the admin with one new token (made here when
     * none is given), in one transaction; makes the admin first on an empty database. The
     * admin's app keys stay: they reach only the app they are bound to.
     *
     * @return the token now in force
     */
    public String replaceTokens(String givenToken) {
        String token = givenToken == null ? Secrets.newSecret() : givenToken;
        long now = clock.millis();
        jdbi.useTransaction(handle -> {
            UserStore.insertIfAbsent(handle, new User(ADMIN_ID, "", "", "", true, now));
            KeyStore.deletePersonalTokens(handle, ADMIN_ID);
            insertToken(handle, token, "admin token (annotask admin-token)", now);
            AuthChanges.bump(handle);
        });
        return token;
    }

    private void insertToken(Handle handle, String token, String description, long now) {
        KeyStore.insert(handle, new ApiKey(keys.hashOf(token), Secrets.newFingerprint(), ADMIN_ID,
                KeyType.PERSONAL_ACCESS_TOKEN, null, description, Set.of(Scopes.ALL), now, 0));
    }
}
