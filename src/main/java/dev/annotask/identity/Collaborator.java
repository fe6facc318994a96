package dev.annotask.identity;

import java.util.Set;

/**
 * A user invited to act on another user's app, with the scopes the owner granted.
 *
 * @param deletedAt epoch milliseconds of removal, or 0 while the collaboration is active
 */
public record Collaborator(String id, String appUid, String userId, Set<String> scopes, long createdAt,
                           long modifiedAt, long deletedAt) {

    public boolean active() {
        return deletedAt == 0;
    }
}
