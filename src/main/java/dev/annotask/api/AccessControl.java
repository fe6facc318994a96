package dev.annotask.api;

import dev.annotask.api.ApiException;
import dev.annotask.identity.AccessRule;
import dev.annotask.identity.ApiKey;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthorizationCache;
import dev.annotask.identity.Caller;
import dev.annotask.identity.CollaboratorStore;
import dev.annotask.identity.KeyStore;
import dev.annotask.identity.KeyType;
import dev.annotask.identity.Scopes;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization} header and the ids in a request into a {@link Caller}, or
 * refuses with the status Clarifai gives for each failure (docs/COMPATIBILITY.md, "Wire behaviour"):
 * <ul>
 *   <li>missing or malformed header: 11102;</li>
 *   <li>unknown or expired key, or a key of a disabled user: 11008;</li>
 *   <li>personal access token without an app on an app RPC: 11008 with Clarifai's details text;</li>
 *   <li>a key on an app it may not reach: 11008 (the same answer whether or not the app exists,
 *       so keys cannot probe for other users' apps);</li>
 *   <li>an app key on a PAT-only RPC: 11200;</li>
 *   <li>a scope missing from the effective set: 11007.</li>
 * </ul>
 * What it reads for a key is kept a few seconds in an {@link AuthorizationCache}, shared by
 * {@link #requireKnownKey} and {@link #authorize}, so the second of the two a request asks
 * reads nothing; expiry is checked on every call. Thread-safe; the stores it reads and the
 * cache are.
 */
public final class AccessControl {
    static final String MALFORMED_HEADER =
            "Empty or malformed authorization header. Please provide an API key or session token.";
    static final String PAT_NEEDS_APP = "Must provide app external ID in API authorizer";
    private static final String SCHEME = "Key ";
    private static final String ME = "me";
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final KeyStore keys;
    private final UserStore users;
    private final AppStore apps;
    private final CollaboratorStore collaborators;
    private final AuthorizationCache cache;
    private final Clock clock;
    private final UnitOfWork units;

    public AccessControl(KeyStore keys, UserStore users, AppStore apps, CollaboratorStore collaborators,
                         AuthorizationCache cache, Clock clock, UnitOfWork units) {
        this.units = units;
        this.keys = keys;
        this.users = users;
        this.apps = apps;
        this.collaborators = collaborators;
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * Resolves the caller of an RPC.
     *
     * @param authorization the raw header or gRPC metadata value, or null when absent
     * @param userId the request's {@code user_app_id.user_id} (path first), possibly empty or {@code me}
     * @param appId the request's {@code user_app_id.app_id}, possibly empty
     */
    public Caller authorize(String authorization, AccessRule rule, String userId, String appId) {
        if (rule.auth() == AccessRule.Auth.NONE) {
            return Caller.anonymous();
        }
        AuthorizationCache.Principal principal = authenticate(authorization);
        ApiKey key = principal.key();
        User user = principal.user();
        if (rule.auth() == AccessRule.Auth.PAT && key.type() != KeyType.PERSONAL_ACCESS_TOKEN) {
            throw new ApiException(StatusCode.CONN_AUTH_METHOD_DISABLED,
                    "This endpoint requires a personal access token; app-specific keys cannot call it.");
        }
        Caller caller = switch (rule.level()) {
            case GLOBAL -> new Caller(user, key, user.id(), null, key.scopes());
            case USER -> new Caller(user, key, isSelf(userId) ? user.id() : userId, null, key.scopes());
            case APP -> key.type() == KeyType.APP_SPECIFIC_KEY
                    ? appKeyCaller(user, key, principal.boundApp(), userId, appId)
                    : tokenCaller(user, key, userId, appId);
        };
        Set<String> missing = Scopes.missing(caller.scopes(), rule.requiredScopes());
        if (!missing.isEmpty()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES,
                    "Missing scopes: " + String.join(", ", missing.stream().sorted().toList()));
        }
        return caller;
    }

    /**
     * Refuses, as {@link #authorize} would, a call of an RPC that needs a key when the
     * credential is missing, malformed, unknown or expired. Transports ask this before they
     * read a request's body, which cannot be authorized in full until it is read (it names
     * the app).
     *
     * @throws ApiException with the status {@link #authorize} gives for the same credential
     */
    public void requireKnownKey(String authorization, AccessRule rule) {
        if (rule.auth() != AccessRule.Auth.NONE) {
            authenticate(authorization);
        }
    }

    /** The key of the header with its user (and an app key's app), known and not expired. */
    private AuthorizationCache.Principal authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith(SCHEME)
                || authorization.substring(SCHEME.length()).isBlank()) {
            throw new ApiException(StatusCode.CONN_INVALID_REQUEST, MALFORMED_HEADER);
        }
        String secret = authorization.substring(SCHEME.length()).trim();
        AuthorizationCache.Principal principal = cache.principal(keys.hashOf(secret), () -> loadPrincipal(secret))
                .orElseThrow(AccessControl::invalidKey);
        if (principal.key().expiredAt(clock.millis())) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, "API key has expired");
        }
        if (principal.user().disabled()) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, "API key's user is disabled");
        }
        return principal;
    }

    /** Empty when the key, its user or an app key's app is missing: each is "API key not found". */
    private Optional<AuthorizationCache.Principal> loadPrincipal(String secret) {
        Optional<AuthorizationCache.Principal> found = units.read(handle -> keys.findBySecret(handle, secret)
                .flatMap(key -> users.find(handle, key.userId()).flatMap(user -> principal(handle, key, user))));
        return found.map(p -> keys.isLegacy(p.key(), secret)
                ? new AuthorizationCache.Principal(upgraded(p.key(), secret), p.user(), p.boundApp()) : p);
    }

    private Optional<AuthorizationCache.Principal> principal(Handle handle, ApiKey key, User user) {
        if (key.type() != KeyType.APP_SPECIFIC_KEY) {
            return Optional.of(new AuthorizationCache.Principal(key, user, null));
        }
        return apps.findByUid(handle, key.appUid()).map(app -> new AuthorizationCache.Principal(key, user, app));
    }

    /**
     * A key of an older version gets its current hash on first use; when that fails it still
     * works, and its next use tries again.
     */
    private ApiKey upgraded(ApiKey legacy, String secret) {
        try {
            return units.write(handle -> keys.upgrade(handle, legacy, secret));
        } catch (RuntimeException e) {
            LOG.warn("key {} keeps its old hash for now: {}", legacy.fingerprint(), e.getMessage());
            return legacy;
        }
    }

    private Caller appKeyCaller(User user, ApiKey key, App app, String userId, String appId) {
        boolean otherApp = !appId.isEmpty() && !appId.equals(app.id());
        boolean otherOwner = !isSelf(userId) && !userId.equals(app.ownerId());
        if (otherApp || otherOwner) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, "This app-specific key is bound to another app.");
        }
        return new Caller(user, key, app.ownerId(), app, key.scopes());
    }

    private Caller tokenCaller(User user, ApiKey key, String userId, String appId) {
        if (appId.isEmpty()) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, PAT_NEEDS_APP);
        }
        String ownerId = isSelf(userId) ? user.id() : userId;
        boolean own = ownerId.equals(user.id());
        AuthorizationCache.AppAccess access = cache.access(user.id(), ownerId, appId,
                () -> loadAccess(user, own, ownerId, appId)).orElseThrow(() -> own
                        ? ApiException.notFound("app '" + appId + "' not found for user '" + ownerId + "'")
                        : new ApiException(StatusCode.CONN_KEY_INVALID,
                                "This key may not access app '" + appId + "' of user '" + ownerId + "'."));
        Set<String> scopes = own ? key.scopes() : Scopes.intersect(key.scopes(), access.grant().scopes());
        return new Caller(user, key, ownerId, access.app(), scopes);
    }

    /** The owner's app, and the user's active collaboration on it unless it is their own; else empty. */
    private Optional<AuthorizationCache.AppAccess> loadAccess(User user, boolean own, String ownerId, String appId) {
        return units.read(handle -> apps.find(handle, ownerId, appId).flatMap(app -> own
                ? Optional.of(new AuthorizationCache.AppAccess(app, null))
                : collaborators.findActive(handle, app.uid(), user.id())
                        .map(grant -> new AuthorizationCache.AppAccess(app, grant))));
    }

    private static boolean isSelf(String userId) {
        return userId == null || userId.isEmpty() || ME.equals(userId);
    }

    private static ApiException invalidKey() {
        return new ApiException(StatusCode.CONN_KEY_INVALID, "API key not found");
    }
}
