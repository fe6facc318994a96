package dev.annotask.export;

import dev.annotask.api.ApiException;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.RequestChecks;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.rest.RestGateway;
import dev.annotask.api.AccessControl;
import dev.annotask.identity.AccessRule;
import dev.annotask.identity.Caller;
import dev.annotask.identity.Scopes;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.GetExportRequest;
import dev.annotask.store.UnitOfWork;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v2/users/{user}/apps/{app}/exports/{export}/download}: a built export's ZIP, for
 * whoever may read it, with the API's {@code Authorization: Key} header: the caller must reach
 * the app as for any app RPC and hold the scopes of GetDatasetVersion for a dataset version's
 * export (so a Clarifai client that made it with PutDatasetVersionExports may fetch it) and of
 * GetExport for a task's. Refusals are status bodies of GetExport's response type with their
 * HTTP codes (no key 11102/400, other app 11008/401, missing scope 11007/403, no such export or
 * not built yet 11101/404). The file is streamed from disk, never held in memory. Thread-safe.
 */
final class ExportDownloadHandler implements Handler {
    private final AccessControl access;
    private final RpcMethod getExport;
    private final RpcMethod getDatasetVersion;
    private final Dispatcher dispatcher;
    private final RestGateway gateway;
    private final UnitOfWork units;
    private final ExportFiles files;

    ExportDownloadHandler(AccessControl access, RpcMethod getExport, RpcMethod getDatasetVersion, Dispatcher dispatcher,
                          RestGateway gateway, UnitOfWork units, ExportFiles files) {
        this.access = access;
        this.getExport = getExport;
        this.getDatasetVersion = getDatasetVersion;
        this.dispatcher = dispatcher;
        this.gateway = gateway;
        this.units = units;
        this.files = files;
    }

    @Override
    public void handle(Context ctx) {
        try {
            GetExportRequest request = GetExportRequest.newBuilder()
                    .setUserAppId(UserAppIDSet.newBuilder().setUserId(ctx.pathParam("user")).setAppId(ctx.pathParam("app")))
                    .setExportId(ctx.pathParam("export")).build();
            RequestChecks.check(request);
            AccessRule rule = getExport.access();
            // The app first (with the scope both rules share), then the scopes of the export's kind.
            Caller caller = access.authorize(ctx.header("Authorization"),
                    new AccessRule(rule.auth(), rule.level(), List.of("Apps:Get")),
                    request.getUserAppId().getUserId(), request.getUserAppId().getAppId());
            StoredExport export = units.read(handle -> ExportRpcs.require(handle, caller, request.getExportId()));
            List<String> required = (export.versionUid() != null ? getDatasetVersion : getExport).access().requiredScopes();
            Set<String> missing = Scopes.missing(caller.scopes(), required);
            if (!missing.isEmpty()) {
                throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES,
                        "Missing scopes: " + String.join(", ", missing.stream().sorted().toList()));
            }
            if (export.status() != ExportStore.SUCCESS) {
                throw new ApiException(StatusCode.CONN_DOES_NOT_EXIST, "export " + export.uid() + " is not built yet;"
                        + " its status says when it is");
            }
            send(ctx, export);
        } catch (RuntimeException e) {
            gateway.answer(ctx, dispatcher.failed(getExport, e));
        }
    }

    private void send(Context ctx, StoredExport export) {
        Path file = files.built(export.uid());
        InputStream in;
        long size;
        try {
            in = Files.newInputStream(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ApiException(StatusCode.CONN_DOES_NOT_EXIST, "the file of export " + export.uid()
                    + " is gone (deleted, or built on a node whose data directory this one does not share)");
        } catch (IOException e) {
            throw new ApiException(StatusCode.TRY_AGAIN, "the export's file cannot be read now: " + e.getMessage());
        }
        try (in) {
            ctx.status(200);
            ctx.contentType("application/zip");
            ctx.header("Content-Disposition", "attachment; filename=\"" + export.uid() + "-"
                    + ExportWire.extensionName(export.format()) + ".zip\"");
            ctx.header("Cache-Control", "private, no-store");
            ctx.res().setContentLengthLong(size);
            in.transferTo(ctx.res().getOutputStream());
        } catch (IOException e) {
            // the client went away mid-download; nothing left to answer
        }
    }
}
