package dev.annotask;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.annotation.AnnotationWorkerRpcs;
import dev.annotask.annotation.TaskAnnotationRpcs;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.grpc.GrpcServer;
import dev.annotask.api.rest.RestGateway;
import dev.annotask.api.rest.RestIntake;
import dev.annotask.api.rest.StatusErrorHandler;
import dev.annotask.assign.AssignmentRpcs;
import dev.annotask.assign.CountRpcs;
import dev.annotask.assign.ReviewNoteRpcs;
import dev.annotask.assign.LabelingService;
import dev.annotask.assign.ProgressReader;
import dev.annotask.assign.ReviewService;
import dev.annotask.concept.ConceptRpcs;
import dev.annotask.concept.ConceptStore;
import dev.annotask.config.InvalidSetting;
import dev.annotask.config.SecretSettings;
import dev.annotask.config.ServerConfig;
import dev.annotask.dataset.DatasetRpcs;
import dev.annotask.dataset.DatasetStore;
import dev.annotask.event.Events;
import dev.annotask.export.Exports;
import dev.annotask.api.rest.ProtoJson;
import dev.annotask.fetch.AddressPolicy;
import dev.annotask.fetch.PendingFetches;
import dev.annotask.fetch.UrlFetcher;
import dev.annotask.api.AccessControl;
import dev.annotask.account.AppRpcs;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthorizationCache;
import dev.annotask.identity.Bootstrap;
import dev.annotask.account.CollaboratorRpcs;
import dev.annotask.identity.CollaboratorStore;
import dev.annotask.identity.KeyHasher;
import dev.annotask.account.KeyRpcs;
import dev.annotask.identity.KeyStore;
import dev.annotask.identity.Scopes;
import dev.annotask.account.UserRpcs;
import dev.annotask.identity.UserStore;
import dev.annotask.imports.Imports;
import dev.annotask.input.HeaderBackfill;
import dev.annotask.input.HostedUrls;
import dev.annotask.input.InputMediaStore;
import dev.annotask.input.InputRpcs;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.input.UrlFetching;
import dev.annotask.media.HostedMediaHandler;
import dev.annotask.ops.Operations;
import dev.annotask.media.MediaHandler;
import dev.annotask.media.MediaRpcs;
import dev.annotask.media.MediaUrlSigner;
import dev.annotask.media.SigningKeyStore;
import dev.annotask.proto.admin.AdminProto;
import dev.annotask.proto.api.ServiceProto;
import dev.annotask.proto.exports.ExportsProto;
import dev.annotask.proto.imports.ImportsProto;
import dev.annotask.proto.media.MediaProto;
import dev.annotask.proto.labeling.LabelingProto;
import dev.annotask.proto.review.ReviewProto;
import dev.annotask.proto.webhooks.WebhooksProto;
import dev.annotask.statuscode.StatusCodeRpcs;
import dev.annotask.store.DataDirectory;
import dev.annotask.store.Database;
import dev.annotask.task.TaskMembership;
import dev.annotask.search.SearchMembership;
import dev.annotask.search.rpc.SearchRpcs;
import dev.annotask.task.TaskReopening;
import dev.annotask.task.TaskRpcs;
import dev.annotask.task.WorkloadRpcs;
import dev.annotask.teamstats.WorkerStatsRpcs;
import dev.annotask.task.TaskStore;
import dev.annotask.ui.UiAssets;
import dev.annotask.upload.UploadRpcs;
import dev.annotask.webhook.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds database, stores, services and servers from a
 * {@link ServerConfig}, by hand and in dependency order, and owns their lifecycle.
 *
 * <p>{@link #start} migrates the database, registers every feature's RPCs, starts the HTTP
 * server and, unless turned off, the gRPC server (both call the one {@link Dispatcher}), and
 * only then, with both ports bound, bootstraps the admin on an empty database: a start that
 * fails (a port taken) has made no admin, so the next one makes it and prints its token.
 * {@link #close} stops both taking requests, lets the ones in flight finish, then closes the
 * database. Not thread-safe: start and close from one thread.
 */
public final class AnnotaskServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnnotaskServer.class);
    private static final List<ServiceDescriptor> SERVICES = List.of(
            ServiceProto.getDescriptor().findServiceByName("V2"),
            AdminProto.getDescriptor().findServiceByName("Admin"),
            MediaProto.getDescriptor().findServiceByName("Media"),
            WebhooksProto.getDescriptor().findServiceByName("Webhooks"),
            ReviewProto.getDescriptor().findServiceByName("Review"),
            LabelingProto.getDescriptor().findServiceByName("Labeling"),
            ExportsProto.getDescriptor().findServiceByName("Exports"),
            ImportsProto.getDescriptor().findServiceByName("Imports"));
    /** How long {@link #close} lets requests in flight finish unless {@link #stopGrace} says otherwise. */
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);
    /**
     * Open connections at most; beyond, new ones wait in the kernel's queue and idle ones are
     * closed sooner. Each costs a few KiB, a buffer more while a request is being read.
     */
    private static final int MAX_CONNECTIONS = 4096;

    /**
     * Jetty reuses header fields seen earlier on a connection and, by default, matches their
     * values ignoring case, so "Authorization: key X" after "Key X" would read as "Key X".
     * Clarifai rejects the lower-case scheme (docs/COMPATIBILITY.md, "Auth"), so values must match exactly.
     */
    private static final LifeCycle.Listener EXACT_HEADER_VALUES = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
            for (Connector connector : ((Server) event).getConnectors()) {
                connector.addBean(new Connection.Listener() {
                    @Override
                    public void onOpened(Connection connection) {
                        if (connection instanceof HttpConnection http1) {
                            http1.getParser().setHeaderCacheCaseSensitive(true);
                        }
                    }
                });
            }
        }
    };

    private final ServerConfig config;
    private final Clock clock;
    private Database database;
    private AuthorizationCache authorizations;
    private Webhooks webhooks;
    private Exports exports;
    private Imports imports;
    private RpcRegistry registry;
    private Javalin http;
    private GrpcServer grpc;
    private PendingFetches fetches;
    private Thread backfill;
    private volatile String ownBaseUrl;
    private Optional<String> createdAdminToken = Optional.empty();
    private Consumer<String> adminTokenDelivery = token -> { };
    private boolean givenAdminTokenIgnored;
    private long stopGraceMillis = DEFAULT_STOP_GRACE.toMillis();

    public AnnotaskServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** A server on the given clock: tests move time forward to expire leases without waiting. */
    public AnnotaskServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Where a random admin token made by this start goes (the command line prints it): called
     * before the token is committed, so a delivery that throws leaves no admin behind.
     */
    public AnnotaskServer deliverAdminTokenTo(Consumer<String> delivery) {
        this.adminTokenDelivery = delivery;
        return this;
    }

    /**
     * How long {@link #close} lets requests in flight finish before cutting them off:
     * {@link #DEFAULT_STOP_GRACE} unless set (before {@link #start}). Zero stops at once. For
     * tests, which close servers with nothing in flight: a graceful stop also waits for each
     * idle keep-alive connection of their client to time out (Jetty gives such a connection a
     * second), a second per server closed.
     */
    public AnnotaskServer stopGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the stop grace period cannot be negative");
        }
        this.stopGraceMillis = grace.toMillis();
        return this;
    }

    public AnnotaskServer start() {
        SecretSettings.requireStrong("--admin-token", config.adminToken());
        SecretSettings.requireStrong("--metrics-token", config.metricsToken());
        String publicUrl = config.media().checkedPublicUrl();
        AddressPolicy fetchPolicy = fetchPolicy();
        database = openDatabase();
        Operations operations = new Operations(database, config.metricsToken());

        UserStore users = new UserStore();
        AppStore apps = new AppStore();
        KeyStore keys = new KeyStore(KeyHasher.forDatabase(database.jdbi()));
        CollaboratorStore collaborators = new CollaboratorStore();

        // Before the features: it also tells them which apps' events are wanted (Events).
        authorizations = AuthorizationCache.watching(database.jdbi());
        Events events = new Events(authorizations, apps, new ProtoJson(schemaFiles()), clock,
                config.webhooks().retryWindow());

        registry = new RpcRegistry(SERVICES);
        Set<String> knownScopes = knownScopes(registry);
        new AppRpcs(apps, clock).register(registry);
        new KeyRpcs(keys, apps, users, knownScopes, clock).register(registry);
        new UserRpcs(users, clock).register(registry);
        new StatusCodeRpcs().register(registry);

        ConceptStore concepts = new ConceptStore();
        InputStore inputs = new InputStore();
        DatasetStore datasets = new DatasetStore();
        TaskStore tasks = new TaskStore();
        MemoryBudget memory = new MemoryBudget(TransportLimits.MEMORY_BUDGET_BYTES);
        InputWire inputWire = new InputWire(new HostedUrls(publicUrl != null ? () -> publicUrl : this::ownUrl));
        SearchMembership searchMembership = SearchMembership.create(clock);
        TaskReopening reopening = new TaskReopening(tasks, events, searchMembership);
        InputMediaStore inputMedia = new InputMediaStore(reopening);
        UrlFetching fetching = startFetching(fetchPolicy, inputMedia, memory);
        new ConceptRpcs(concepts, clock).register(registry);
        new InputRpcs(inputs, clock, reopening, inputWire, fetching, events).register(registry);
        new DatasetRpcs(datasets, inputs, clock, reopening, inputWire, searchMembership).register(registry);
        // Every annotation write re-evaluates the saved searches tasks take their inputs from.
        AnnotationStore annotations = new AnnotationStore(reopening);
        new SearchRpcs(inputs, annotations, inputWire, clock).register(registry);
        LabelingService labeling = new LabelingService(annotations, clock, config.lease(), events);
        ProgressReader progress = new ProgressReader(tasks, labeling);
        new TaskRpcs(tasks, concepts, datasets, inputs, collaborators, users, progress, events, clock, searchMembership)
                .register(registry);
        new CollaboratorRpcs(collaborators, users, apps, knownScopes, new TaskMembership(tasks, progress), clock)
                .register(registry);
        new WorkloadRpcs().register(registry);
        new WorkerStatsRpcs(tasks, clock).register(registry);
        ReviewService reviews = new ReviewService(annotations, clock, events);
        new AssignmentRpcs(tasks, inputs, labeling, reviews, inputWire).register(registry);
        AnnotationRpcs annotationRpcs = new AnnotationRpcs(annotations, tasks, labeling, reviews, events, clock);
        annotationRpcs.register(registry);
        new TaskAnnotationRpcs(annotationRpcs, annotations, tasks, labeling).register(registry);
        new ReviewNoteRpcs(tasks, reviews, annotations, events, clock).register(registry);
        new AnnotationWorkerRpcs(annotations, users).register(registry);
        new CountRpcs(tasks, inputs, annotations, inputWire).register(registry);
        MediaUrlSigner mediaUrls = new MediaUrlSigner(new SigningKeyStore(database.jdbi()).mediaUrlKey(), clock);
        new MediaRpcs(inputs, mediaUrls).register(registry);
        webhooks = new Webhooks(database, config.webhooks(), events, clock);
        webhooks.register(registry);
        exports = new Exports(database, config.dataDir(), inputWire, publicUrl != null ? () -> publicUrl : this::ownUrl,
                apps, events, clock);
        exports.register(registry);
        new UploadRpcs(clock).register(registry);
        imports = new Imports(database, clock, config.dataDir().resolve("import-work"));
        imports.register(registry);

        AccessControl accessControl = new AccessControl(keys, users, apps, collaborators, authorizations, clock,
                database.units());
        Dispatcher dispatcher = new Dispatcher(registry, accessControl, database.units(), operations.meters());
        RestGateway gateway = new RestGateway(registry, dispatcher, schemaFiles());
        HostedMediaHandler hostedBytes = new HostedMediaHandler(accessControl, rpc("GetInput"), dispatcher, gateway,
                inputs, database.units(), memory);
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = TransportLimits.MAX_REQUEST_BYTES;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.httpPort();
            // Every answer is typed by its Content-Type; browsers must not guess another.
            cfg.routes.before(ctx -> ctx.header("X-Content-Type-Options", "nosniff"));
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(stopGraceMillis);
                // Javalin puts its servlet context inside the innermost wrapper, so after RestIntake.
                RestIntake intake = new RestIntake(gateway, accessControl, memory);
                intake.setHandler(server.getHandler());
                server.setHandler(new GracefulHandler(intake));
                server.setErrorHandler(new StatusErrorHandler(gateway));
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
                server.addEventListener(EXACT_HEADER_VALUES);
            });
            cfg.routes.get("/healthz", operations::health);
            cfg.routes.get("/livez", operations::live);
            cfg.routes.get("/metrics", operations::metrics);
            // Web UI and signed media before the gateway's catch-all: Javalin takes the first match.
            UiAssets ui = new UiAssets();
            cfg.routes.get("/", ui);
            cfg.routes.get(UiAssets.PREFIX + "*", ui);
            cfg.routes.get(MediaHandler.PATH, new MediaHandler(inputs, database.units(), mediaUrls, memory));
            cfg.routes.get(HostedUrls.ROUTE, hostedBytes);
            cfg.routes.get(Exports.DOWNLOAD_ROUTE, exports.downloads(accessControl, registry, dispatcher, gateway));
            for (HandlerType verb : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE)) {
                cfg.routes.addHttpHandler(verb, "/*", gateway);
            }
        });
        try {
            http.start();
            // Kept, not asked of Javalin per answer: gRPC calls still draining after the HTTP
            // server stopped print hosted URLs too.
            ownBaseUrl = ownUrl(http.port());
            if (config.grpcPort() != 0) {
                grpc = GrpcServer.start(config.host(), Math.max(config.grpcPort(), 0), SERVICES, registry, dispatcher,
                        accessControl, memory);
            }
            bootstrap(keys);
            backfill = daemon(new HeaderBackfill(database.units(), inputMedia, inputs), "annotask-header-backfill");
            backfill.start();
            webhooks.startDelivery();
            exports.startWorker();
            imports.start(registry);
        } catch (RuntimeException e) {
            close(); // a taken port must not leave the other server and the database open
            throw e;
        }
        return this;
    }

    /** With --fetch-urls, the addresses it may fetch from (checked before anything starts); null without. */
    private AddressPolicy fetchPolicy() {
        if (!config.media().fetchUrls()) {
            return null;
        }
        if (config.media().fetchTimeout().isNegative() || config.media().fetchTimeout().isZero()) {
            throw new InvalidSetting("--fetch-timeout-seconds must be at least 1");
        }
        try {
            return AddressPolicy.allowing(config.media().fetchAllowNetworks());
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("--fetch-allow-networks: " + e.getMessage());
        }
    }

    /** With --fetch-urls, the fetcher of URL inputs, started; otherwise URLs are only stored. */
    private UrlFetching startFetching(AddressPolicy policy, InputMediaStore inputMedia, MemoryBudget memory) {
        if (policy == null) {
            return UrlFetching.OFF;
        }
        UrlFetcher fetcher = new UrlFetcher(policy, InputRpcs.MAX_BYTES, config.media().fetchTimeout(), memory);
        fetches = new PendingFetches(database.units(), inputMedia, fetcher, clock, config.media().fetchTimeout()).start();
        return fetches;
    }

    /**
     * This server's own base URL, for hosted URLs when no --public-url is set: the address it
     * listens on, or localhost when that is every address.
     */
    private String ownUrl() {
        String known = ownBaseUrl;
        return known != null ? known : ownUrl(config.httpPort());
    }

    private String ownUrl(int port) {
        String host = config.host() == null ? "" : config.host();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    private RpcMethod rpc(String name) {
        return registry.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static Thread daemon(Runnable work, String name) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Makes the admin on an empty database, or says when a given token is not the admin's. */
    private void bootstrap(KeyStore keys) {
        Bootstrap bootstrap = new Bootstrap(database.jdbi(), keys, clock);
        createdAdminToken = bootstrap.run(config.adminToken(), adminTokenDelivery);
        if (createdAdminToken.isEmpty() && config.adminToken() != null && !bootstrap.isAdminToken(config.adminToken())) {
            givenAdminTokenIgnored = true;
            LOG.warn("--admin-token is not a token of user admin in this database, so it does not work: it is used only"
                    + " to make the admin on an empty database. To make it the admin's token, run `annotask admin-token"
                    + " --admin-token-file FILE` with the same --data/--db (docs/DEPLOYMENT.md, \"The admin token\")");
        }
    }

    private Database openDatabase() {
        if (config.databaseUrl() != null && !config.databaseUrl().isBlank()) {
            return Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                    config.poolSize(), config.statementTimeout());
        }
        return Database.open(DataDirectory.sqliteUrl(config.dataDir()), null, null, config.poolSize(),
                config.statementTimeout());
    }

    /** Every scope some RPC requires, and {@code All}: what keys and collaborators may be granted. */
    private static Set<String> knownScopes(RpcRegistry registry) {
        Set<String> scopes = new TreeSet<>(Set.of(Scopes.ALL));
        for (RpcMethod method : registry.methods()) {
            scopes.addAll(method.access().requiredScopes());
        }
        return scopes;
    }

    private static List<FileDescriptor> schemaFiles() {
        return SERVICES.stream().map(ServiceDescriptor::getFile).distinct().toList();
    }

    public int httpPort() {
        return http.port();
    }

    /** The gRPC port served, or empty when gRPC is off. */
    public OptionalInt grpcPort() {
        return grpc == null ? OptionalInt.empty() : OptionalInt.of(grpc.port());
    }

    /** Every RPC of the schema and which are served; read-only once started. */
    public RpcRegistry registry() {
        return registry;
    }

    public Database database() {
        return database;
    }

    /** The admin token this start created on an empty database (given or random). */
    public Optional<String> createdAdminToken() {
        return createdAdminToken;
    }

    /** True when an admin token was given but the database's admin has no such token (a warning was logged). */
    public boolean givenAdminTokenIgnored() {
        return givenAdminTokenIgnored;
    }

    @Override
    public void close() {
        long stopStarted = System.currentTimeMillis();
        if (backfill != null) {
            backfill.interrupt();
        }
        if (fetches != null) {
            fetches.close(); // before the database: in-flight fetches are left for later
            fetches = null;
        }
        if (grpc != null) {
            grpc.stopAccepting();
        }
        if (http != null) {
            http.stop();
            http = null;
        }
        if (grpc != null) {
            // Both transports drain at the same time; gRPC gets what is left of the grace period.
            long left = stopGraceMillis - (System.currentTimeMillis() - stopStarted);
            grpc.close(Math.max(left, 0));
            grpc = null;
        }
        if (imports != null) {
            imports.close(); // a running import stops between batches; its lease lapses and a node resumes it
            imports = null;
        }
        if (webhooks != null) {
            webhooks.close();
            webhooks = null;
        }
        if (exports != null) {
            exports.close();
            exports = null;
        }
        if (authorizations != null) {
            authorizations.close();
            authorizations = null;
        }
        if (backfill != null) {
            joinQuietly(backfill);
            backfill = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
