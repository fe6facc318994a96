package dev.annotask.account;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthChanges;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.DeleteAppRequest;
import dev.annotask.proto.api.GetAppRequest;
import dev.annotask.proto.api.ListAppsRequest;
import dev.annotask.proto.api.MultiAppResponse;
import dev.annotask.proto.api.PostAppsRequest;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostApps, GetApp, ListApps and DeleteApp. Apps belong to the user who creates them; only
 * that user lists and deletes them, collaborators read them. Thread-safe.
 */
public final class AppRpcs {
    private static final int MAX_BATCH = 128;

    private final AppStore apps;
    private final Clock clock;

    public AppRpcs(AppStore apps, Clock clock) {
        this.apps = apps;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostApps", PostAppsRequest.class, this::postApps);
        registry.reads("GetApp", GetAppRequest.class, this::getApp);
        registry.reads("ListApps", ListAppsRequest.class, this::listApps);
        registry.writes("DeleteApp", DeleteAppRequest.class, this::deleteApp);
    }

    MultiAppResponse postApps(Handle handle, Caller caller, PostAppsRequest request) {
        UserAccess.requireSelf(caller);
        Validation.requireBatch("apps", request.getAppsCount(), MAX_BATCH);
        long now = clock.millis();
        List<App> created = new ArrayList<>();
        for (int i = 0; i < request.getAppsCount(); i++) {
            dev.annotask.proto.api.App wire = request.getApps(i);
            String id = Validation.requireId("apps[" + i + "].id", wire.getId());
            String metadata = wire.hasMetadata() ? IdentityWire.json(wire.getMetadata()) : null;
            created.add(new App(Ids.newId(), caller.userId(), id, wire.getName(), wire.getDescription(),
                    wire.getDefaultLanguage(), wire.getNotes(), metadata, now, now));
        }
        Validation.requireUniqueNewIds("apps[].id", created.stream().map(App::id).toList());
        List<String> taken = apps.insertAll(handle, created);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "app id already exists: " + String.join(", ", taken));
        }
        return MultiAppResponse.newBuilder().addAllApps(created.stream().map(IdentityWire::app).toList()).build();
    }

    SingleAppResponse getApp(Handle handle, Caller caller, GetAppRequest request) {
        return SingleAppResponse.newBuilder().setApp(IdentityWire.app(caller.app())).build();
    }

    MultiAppResponse listApps(Handle handle, Caller caller, ListAppsRequest request) {
        UserAccess.requireSelf(caller);
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<App> owned = apps.listOwnedBy(handle, caller.userId(), page.offset(), page.limit());
        return MultiAppResponse.newBuilder().addAllApps(owned.stream().map(IdentityWire::app).toList()).build();
    }

    BaseResponse deleteApp(Handle handle, Caller caller, DeleteAppRequest request) {
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the app's owner may delete it");
        }
        apps.delete(handle, caller.app().uid()); // its keys and collaborations go with it
        AuthChanges.bump(handle);
        return BaseResponse.getDefaultInstance();
    }
}
