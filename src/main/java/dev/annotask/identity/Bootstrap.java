package dev.annotask.identity;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the first user on an empty database: {@code admin}, with a personal access token
 * holding {@code All}. The token is the operator's {@code --admin-token} when given, else a
 * random one that only this call's result carries (the caller prints it once).
 */
public final class Bootstrap {
    public static final String ADMIN_ID = "admin";

    private final UserStore users;
    private final KeyStore keys;
    private final Clock clock;

    public Bootstrap(UserStore users, KeyStore keys, Clock clock) {
        this.users = users;
        this.keys = keys;
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
        List<String> taken = users.insertAll(List.of(new User(ADMIN_ID, "", "", "", true, now)));
        if (!taken.isEmpty()) {
            return Optional.empty();
        }
        keys.insertAll(List.of(new ApiKey(hash, Secrets.fingerprintOfHash(hash), ADMIN_ID,
                KeyType.PERSONAL_ACCESS_TOKEN, null, "bootstrap admin token", Set.of(Scopes.ALL), now, 0)));
        return Optional.of(token);
    }
}
