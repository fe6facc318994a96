package dev.annotask.identity;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Makes the first user on an empty database: {@code admin}, with a personal access token
 * holding {@code All}. The token is the operator's {@code --admin-token} when given, else a
 * random one that only this call's result carries (the caller prints it once).
 *
 * <p>Safe when several nodes start at once on one empty database: the admin and its token are
 * written in one transaction, and only by the node whose insert of {@code admin} took effect;
 * the others find it taken and create nothing. A node killed midway leaves neither behind, so
 * the next start bootstraps again. Thread-safe.
 */
public final class Bootstrap {
    public static final String ADMIN_ID = "admin";

    private final Jdbi jdbi;
    private final UserStore users;
    private final Clock clock;

    public Bootstrap(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.users = new UserStore(jdbi);
        this.clock = clock;
    }

    /** The admin token when this call created the admin, or empty when the database had users. */
    public Optional<String> run(String givenToken) {
        if (!users.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        String token = givenToken == null || givenToken.isBlank() ? Secrets.newSecret() : givenToken;
        String hash = Secrets.hash(token);
        boolean created = jdbi.inTransaction(handle -> {
            if (!UserStore.insertIfAbsent(handle, new User(ADMIN_ID, "", "", "", true, now))) {
                return false;
            }
            KeyStore.insert(handle, new ApiKey(hash, Secrets.fingerprintOfHash(hash), ADMIN_ID,
                    KeyType.PERSONAL_ACCESS_TOKEN, null, "bootstrap admin token", Set.of(Scopes.ALL), now, 0));
            return true;
        });
        return created ? Optional.of(token) : Optional.empty();
    }
}
