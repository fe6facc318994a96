package dev.annotask.export;

import dev.annotask.api.Dispatcher;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.rest.RestGateway;
import dev.annotask.event.Events;
import dev.annotask.api.AccessControl;
import dev.annotask.identity.AppStore;
import dev.annotask.input.InputWire;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import io.javalin.http.Handler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Dataset versions and exports as the server wires them: Clarifai's version RPCs, Annotask's
 * export RPCs, the download route, and the background worker started once the server serves.
 * Close once, before the database.
 */
public final class Exports implements AutoCloseable {
    /** The download route (Javalin's path syntax), registered before the gateway's catch-all. */
    public static final String DOWNLOAD_ROUTE = ExportWire.ROUTE;
    /** How long a node's claim on a build lasts without being extended. */
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration POLL_EVERY = Duration.ofSeconds(1);
    /** Finished exports kept per app (older ones go when a new one is built). */
    static final int KEEP_PER_APP = 20;

    private final Database database;
    private final Clock clock;
    private final ExportFiles files;
    private final ExportWire wire;
    private final ExportBuilder builder;
    private final FileRemovals removals;
    private ExportWorker worker;

    public Exports(Database database, Path dataDirectory, InputWire inputWire, Supplier<String> publicUrl,
                   AppStore apps, Events events, Clock clock) {
        this.database = database;
        this.clock = clock;
        this.files = new ExportFiles(dataDirectory);
        this.wire = new ExportWire(publicUrl);
        this.removals = new FileRemovals(files, uid -> database.units().read(handle ->
                ExportStore.findByUid(handle, uid).isPresent()));
        this.builder = new ExportBuilder(database.units(), files, inputWire, wire, apps, events, clock, LEASE.toMillis(),
                KEEP_PER_APP);
    }

    public void register(RpcRegistry registry) {
        ExportRpcs exports = new ExportRpcs(clock, wire, removals);
        exports.register(registry);
        new VersionRpcs(clock, wire, removals, exports).register(registry);
    }

    /** The handler of {@link #DOWNLOAD_ROUTE}. */
    public Handler downloads(AccessControl access, RpcRegistry registry, Dispatcher dispatcher, RestGateway gateway) {
        return new ExportDownloadHandler(access, method(registry, "GetExport"), method(registry, "GetDatasetVersion"),
                dispatcher, gateway, database.units(), files);
    }

    public void startWorker() {
        worker = ExportWorker.start(database.units(), clock, builder, files, LEASE, POLL_EVERY, KEEP_PER_APP,
                database.dialect() == SqlDialect.SQLITE);
    }

    private static RpcMethod method(RpcRegistry registry, String name) {
        return registry.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
        removals.close();
    }
}
