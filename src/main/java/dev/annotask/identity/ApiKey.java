package dev.annotask.identity;

import java.util.Set;

/**
 * A stored key. The secret itself is never kept: {@code tokenHash} is its hash
 * ({@link KeyHasher}), and {@code fingerprint} is a short random public name shown where
 * Clarifai would show the key's id after creation (listing, getting).
 *
 * @param appUid the app an app key is bound to; null for a personal access token
 * @param expiresAt epoch milliseconds, or 0 for a key that does not expire
 */
public record ApiKey(String tokenHash, String fingerprint, String userId, KeyType type, String appUid,
                     String description, Set<String> scopes, long createdAt, long expiresAt) {

    public boolean expiredAt(long now) {
        return expiresAt > 0 && expiresAt <= now;
    }

    /** The same key stored under another hash (a row rewritten from an older hashing scheme). */
    ApiKey withTokenHash(String hash) {
        return new ApiKey(hash, fingerprint, userId, type, appUid, description, scopes, createdAt, expiresAt);
    }
}
