package dev.annotask.identity;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization} header and the ids in a request into a {@link Caller}, or
 * refuses with the status Clarifai gives for each failure (docs/COMPATIBILITY.md, "Wire behaviour"):
 * <ul>
 *   <li>missing or malformed header: 11102;</li>
 *   <li>unknown or expired key: 11008;</li>
 *   <li>personal access token without an app on an app RPC: 11008 with Clarifai's details text;</li>
 *   <li>a key on an app it may not reach: 11008 (the same answer whether or not the app exists,
 *       so keys cannot probe for other users' apps);</li>
 *   <li>an app key on a PAT-only RPC: 11200;</li>
 *   <li>a scope missing from the effective set: 11007.</li>
 * </ul>
 * Thread-safe; the stores it reads are.
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
    private final Clock clock;
    private final UnitOfWork units;

    public AccessControl(KeyStore keys, UserStore users, AppStore apps, CollaboratorStore collaborators,
                         Clock clock, UnitOfWork units) {
        this.units = units;
        this.keys = keys;
        this.users = users;
        this.apps = apps;
        this.collaborators = collaborators;
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
        ApiKey key = authenticate(authorization);
        return units.read(handle -> authorize(handle, key, rule, userId, appId));
    }

    private Caller authorize(Handle handle, ApiKey key, AccessRule rule, String userId, String appId) {
        User user = users.find(handle, key.userId()).orElseThrow(AccessControl::invalidKey);
        if (rule.auth() == AccessRule.Auth.PAT && key.type() != KeyType.PERSONAL_ACCESS_TOKEN) {
            throw new ApiException(StatusCode.CONN_AUTH_METHOD_DISABLED,
                    "This endpoint requires a personal access token; app-specific keys cannot call it.");
        }
        Caller caller = switch (rule.level()) {
            case GLOBAL -> new Caller(user, key, user.id(), null, key.scopes());
            case USER -> new Caller(user, key, isSelf(userId) ? user.id() : userId, null, key.scopes());
            case APP -> key.type() == KeyType.APP_SPECIFIC_KEY
                    ? appKeyCaller(handle, user, key, userId, appId)
                    : tokenCaller(handle, user, key, userId, appId);
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

    private ApiKey authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith(SCHEME)
                || authorization.substring(SCHEME.length()).isBlank()) {
            throw new ApiException(StatusCode.CONN_INVALID_REQUEST, MALFORMED_HEADER);
        }
        String secret = authorization.substring(SCHEME.length()).trim();
        ApiKey key = units.read(handle -> keys.findBySecret(handle, secret)).orElseThrow(AccessControl::invalidKey);
        if (key.expiredAt(clock.millis())) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, "API key has expired");
        }
        return keys.isLegacy(key, secret) ? upgraded(key, secret) : key;
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

    private Caller appKeyCaller(Handle handle, User user, ApiKey key, String userId, String appId) {
        App app = apps.findByUid(handle, key.appUid()).orElseThrow(AccessControl::invalidKey);
        boolean otherApp = !appId.isEmpty() && !appId.equals(app.id());
        boolean otherOwner = !isSelf(userId) && !userId.equals(app.ownerId());
        if (otherApp || otherOwner) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, "This app-specific key is bound to another app.");
        }
        return new Caller(user, key, app.ownerId(), app, key.scopes());
    }

    private Caller tokenCaller(Handle handle, User user, ApiKey key, String userId, String appId) {
        if (appId.isEmpty()) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID, PAT_NEEDS_APP);
        }
        String ownerId = isSelf(userId) ? user.id() : userId;
        if (ownerId.equals(user.id())) {
            App app = apps.find(handle, ownerId, appId).orElseThrow(() ->
                    ApiException.notFound("app '" + appId + "' not found for user '" + ownerId + "'"));
            return new Caller(user, key, ownerId, app, key.scopes());
        }
        App app = apps.find(handle, ownerId, appId).orElse(null);
        Collaborator grant = app == null ? null : collaborators.findActive(handle, app.uid(), user.id()).orElse(null);
        if (grant == null) {
            throw new ApiException(StatusCode.CONN_KEY_INVALID,
                    "This key may not access app '" + appId + "' of user '" + ownerId + "'.");
        }
        return new Caller(user, key, ownerId, app, Scopes.intersect(key.scopes(), grant.scopes()));
    }

    private static boolean isSelf(String userId) {
        return userId == null || userId.isEmpty() || ME.equals(userId);
    }

    private static ApiException invalidKey() {
        return new ApiException(StatusCode.CONN_KEY_INVALID, "API key not found");
    }
}
