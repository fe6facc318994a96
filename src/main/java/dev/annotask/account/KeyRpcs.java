package dev.annotask.account;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.ApiKey;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthChanges;
import dev.annotask.identity.Caller;
import dev.annotask.identity.KeyStore;
import dev.annotask.identity.KeyType;
import dev.annotask.identity.Scopes;
import dev.annotask.identity.Secrets;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.api.DeleteKeyRequest;
import dev.annotask.proto.api.GetKeyRequest;
import dev.annotask.proto.api.Key;
import dev.annotask.proto.api.ListAppKeysRequest;
import dev.annotask.proto.api.ListKeysRequest;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.MultiScopeResponse;
import dev.annotask.proto.api.MyScopesRequest;
import dev.annotask.proto.api.PostKeysRequest;
import dev.annotask.proto.api.SingleKeyResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * PostKeys, ListKeys, ListAppKeys, GetKey, DeleteKey and MyScopes.
 *
 * <p>A key is made with scopes its maker's key already grants (no escalation through a new
 * key). App keys bind to one app their user owns; tokens bind to no app. The secret is in the
 * response of PostKeys and nowhere else; GetKey and DeleteKey accept the secret or the
 * fingerprint that listings show. Thread-safe.
 */
public final class KeyRpcs {
    private static final int MAX_BATCH = 128;

    private final KeyStore keys;
    private final AppStore apps;
    private final UserStore users;
    private final Set<String> knownScopes;
    private final Clock clock;

    public KeyRpcs(KeyStore keys, AppStore apps, UserStore users, Set<String> knownScopes, Clock clock) {
        this.keys = keys;
        this.apps = apps;
        this.users = users;
        this.knownScopes = Set.copyOf(knownScopes);
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostKeys", PostKeysRequest.class, this::postKeys);
        registry.reads("ListKeys", ListKeysRequest.class, this::listKeys);
        registry.reads("ListAppKeys", ListAppKeysRequest.class, this::listAppKeys);
        registry.reads("GetKey", GetKeyRequest.class, this::getKey);
        registry.writes("DeleteKey", DeleteKeyRequest.class, this::deleteKey);
        registry.reads("MyScopes", MyScopesRequest.class, this::myScopes);
    }

    MultiKeyResponse postKeys(Handle handle, Caller caller, PostKeysRequest request) {
        UserAccess.requireSelfOrAdmin(caller);
        String ownerId = caller.targetUserId();
        if (users.find(handle, ownerId).isEmpty()) {
            throw ApiException.notFound("user '" + ownerId + "' not found");
        }
        Validation.requireBatch("keys", request.getKeysCount(), MAX_BATCH);
        long now = clock.millis();
        List<ApiKey> created = new ArrayList<>();
        MultiKeyResponse.Builder response = MultiKeyResponse.newBuilder();
        for (int i = 0; i < request.getKeysCount(); i++) {
            Key wire = request.getKeys(i);
            String field = "keys[" + i + "]";
            KeyType type = KeyType.fromWire(wire.getType()).orElseThrow(() -> ApiException.invalid(
                    field + ".type must be app_specific_key or personal_access_token, not '" + wire.getType() + "'"));
            Set<String> scopes = scopes(caller, field, wire.getScopesList());
            App app = type == KeyType.APP_SPECIFIC_KEY ? boundApp(handle, field, ownerId, wire) : noApp(field, wire);
            long expiresAt = 0;
            if (wire.hasExpiresAt()) {
                expiresAt = Timestamps.toMillis(wire.getExpiresAt());
                if (expiresAt <= now) {
                    throw ApiException.invalid(field + ".expires_at must be in the future");
                }
            }
            String secret = Secrets.newSecret();
            ApiKey key = new ApiKey(keys.hashOf(secret), Secrets.newFingerprint(), ownerId, type,
                    app == null ? null : app.uid(), wire.getDescription(), scopes, now, expiresAt);
            created.add(key);
            response.addKeys(IdentityWire.key(key, uid -> app).toBuilder().setId(secret));
        }
        keys.insertAll(handle, created);
        return response.build();
    }

    private Set<String> scopes(Caller caller, String field, List<String> requested) {
        if (requested.isEmpty()) {
            throw ApiException.invalid(field + ".scopes must name at least one scope, e.g. \"All\"");
        }
        KnownScopes.require(field + ".scopes", requested, knownScopes);
        Set<String> scopes = new LinkedHashSet<>(requested);
        if (!Scopes.grants(caller.scopes(), scopes)) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES,
                    field + ".scopes asks for scopes the calling key does not hold: "
                            + String.join(", ", Scopes.missing(caller.scopes(), scopes)));
        }
        return Set.copyOf(scopes);
    }

    private App boundApp(Handle handle, String field, String ownerId, Key wire) {
        if (wire.getAppsCount() != 1) {
            throw ApiException.invalid(field + ".apps must name exactly one app for an app_specific_key");
        }
        dev.annotask.proto.api.App named = wire.getApps(0);
        String appOwner = named.getUserId().isEmpty() || "me".equals(named.getUserId()) ? ownerId : named.getUserId();
        if (!appOwner.equals(ownerId)) {
            throw ApiException.invalid(field + ".apps[0] must be an app of user '" + ownerId + "'");
        }
        return apps.find(handle, ownerId, named.getId()).orElseThrow(() ->
                ApiException.notFound(field + ".apps[0]: app '" + named.getId() + "' not found"));
    }

    private static App noApp(String field, Key wire) {
        if (wire.getAppsCount() > 0) {
            throw ApiException.invalid(field + ".apps must be empty for a personal_access_token");
        }
        return null;
    }

    MultiKeyResponse listKeys(Handle handle, Caller caller, ListKeysRequest request) {
        UserAccess.requireSelfOrAdmin(caller);
        Page page = Page.of(request.getPage(), request.getPerPage());
        return respond(handle, keys.listByUser(handle, caller.targetUserId(), page.offset(), page.limit()), request.getNotExpired());
    }

    MultiKeyResponse listAppKeys(Handle handle, Caller caller, ListAppKeysRequest request) {
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the app's owner may list its keys");
        }
        Page page = Page.of(request.getPage(), request.getPerPage());
        return respond(handle, keys.listByApp(handle, caller.app().uid(), page.offset(), page.limit()), request.getNotExpired());
    }

    private MultiKeyResponse respond(Handle handle, List<ApiKey> listed, boolean notExpired) {
        long now = clock.millis();
        MultiKeyResponse.Builder response = MultiKeyResponse.newBuilder();
        for (ApiKey key : listed) {
            if (!notExpired || !key.expiredAt(now)) {
                response.addKeys(IdentityWire.key(key, uid -> apps.findByUid(handle, uid).orElse(null)));
            }
        }
        return response.build();
    }

    SingleKeyResponse getKey(Handle handle, Caller caller, GetKeyRequest request) {
        ApiKey key = ownKey(handle, caller, request.getKeyId());
        return SingleKeyResponse.newBuilder()
                .setKey(IdentityWire.key(key, uid -> apps.findByUid(handle, uid).orElse(null)))
                .build();
    }

    BaseResponse deleteKey(Handle handle, Caller caller, DeleteKeyRequest request) {
        keys.delete(handle, ownKey(handle, caller, request.getKeyId()).tokenHash());
        AuthChanges.bump(handle);
        return BaseResponse.getDefaultInstance();
    }

    /** The key named by secret or fingerprint, if it belongs to the path's user. */
    private ApiKey ownKey(Handle handle, Caller caller, String keyId) {
        UserAccess.requireSelfOrAdmin(caller);
        ApiKey key = keys.findBySecret(handle, keyId)
                .or(() -> keys.findByFingerprint(handle, keyId))
                .filter(found -> found.userId().equals(caller.targetUserId()))
                .orElseThrow(() -> ApiException.notFound("key not found"));
        return key;
    }

    MultiScopeResponse myScopes(Handle handle, Caller caller, MyScopesRequest request) {
        return MultiScopeResponse.newBuilder()
                .addAllScopes(caller.scopes().stream().sorted().toList())
                .setApp(IdentityWire.app(caller.app()))
                .build();
    }
}
