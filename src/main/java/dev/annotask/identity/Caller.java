package dev.annotask.identity;

import java.util.Set;

/**
 * Who is calling and what they may do, resolved once per request before any RPC runs.
 *
 * @param user the key's owner; null only for public RPCs
 * @param key the key used; null only for public RPCs
 * @param targetUserId the user the request acts under: the app's owner for app RPCs, the
 *     path's user ({@code me} resolved) for user RPCs
 * @param app the app the request acts on, or null for user and public RPCs
 * @param scopes the effective scopes: the key's, intersected with the collaborator's grant
 *     when the caller acts on someone else's app
 */
public record Caller(User user, ApiKey key, String targetUserId, App app, Set<String> scopes) {

    public static Caller anonymous() {
        return new Caller(null, null, "", null, Set.of());
    }

    public String userId() {
        return user == null ? "" : user.id();
    }

    /** True when the caller owns the app it acts on. */
    public boolean ownsApp() {
        return app != null && user != null && app.ownerId().equals(user.id());
    }

    /** True when the caller acts under their own user (not another user's). */
    public boolean actsAsSelf() {
        return user != null && user.id().equals(targetUserId);
    }

    public boolean isAdmin() {
        return user != null && user.admin();
    }
}
