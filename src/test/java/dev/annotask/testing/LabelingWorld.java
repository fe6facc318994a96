package dev.annotask.testing;

import dev.annotask.config.ServerConfig;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One server with the people of the API tests: an owner, workers w1–w4, reviewers r1–r2 and a
 * stranger, each with a token. {@link #newApp} gives each test a fresh app in which they all
 * collaborate, {@link #newBareApp} one with nothing in it yet.
 *
 * <p>Shared: one world per database vendor and clock in a test JVM ({@link #shared},
 * {@link #sharedOnSystemClock}), started by the first test class that asks and closed when the
 * JVM exits, so that the API test classes of a fork start two servers per vendor between
 * them, not two each. Tests therefore work in apps of their own and never assume that the
 * server, the owner or the people are theirs alone (no counts of all apps, users or keys).
 * Tests that need a server configured otherwise, or restart it, start their own
 * {@link RunningServer}.
 */
public final class LabelingWorld implements AutoCloseable {
    public static final String OWNER = "owner";
    private static final List<String> PEOPLE = List.of("w1", "w2", "w3", "w4", "r1", "r2", "stranger");
    private static final Map<SqlDialect, LabelingWorld> ON_MUTABLE_CLOCK = new EnumMap<>(SqlDialect.class);
    private static final Map<SqlDialect, LabelingWorld> ON_SYSTEM_CLOCK = new EnumMap<>(SqlDialect.class);

    private final Clock clock;
    private final RunningServer server;
    private final String ownerToken;
    private final Map<String, String> tokens = new HashMap<>();
    private final Set<String> users = new HashSet<>();
    private int apps;
    private int userIds;

    private LabelingWorld(SqlDialect dialect, Clock clock) {
        this(dialect, clock, UnaryOperator.identity());
    }

    private LabelingWorld(SqlDialect dialect, Clock clock, UnaryOperator<ServerConfig> change) {
        this.clock = clock;
        server = RunningServer.start(dialect, clock, change);
        Fixtures fixtures = new Fixtures(server.client());
        ownerToken = fixtures.createUserWithToken(OWNER);
        for (String person : PEOPLE) {
            tokens.put(person, fixtures.createUserWithToken(person));
        }
        users.add(OWNER);
        users.addAll(PEOPLE);
    }

    /**
     * The JVM's world on this vendor whose clock tests move by hand ({@link #clock}), so that
     * leases expire without waiting; it stands still otherwise.
     */
    public static synchronized LabelingWorld shared(SqlDialect dialect) {
        return ON_MUTABLE_CLOCK.computeIfAbsent(dialect, d -> TestDatabases.closeAtExit(new LabelingWorld(d, new MutableClock())));
    }

    /** A world of the caller's own on a clock it moves by hand; the caller closes it. */
    public static LabelingWorld start(SqlDialect dialect) {
        return startOwn(dialect, UnaryOperator.identity());
    }

    /**
     * A world of the caller's own, on a clock it moves by hand, whose server's configuration it
     * changes first (e.g. webhook settings); the caller closes it.
     */
    public static LabelingWorld startOwn(SqlDialect dialect, UnaryOperator<ServerConfig> change) {
        return new LabelingWorld(dialect, new MutableClock(), change);
    }

    /** The JVM's world on this vendor on the system clock, for tests whose times must pass as they do. */
    public static synchronized LabelingWorld sharedOnSystemClock(SqlDialect dialect) {
        return ON_SYSTEM_CLOCK.computeIfAbsent(dialect, d -> TestDatabases.closeAtExit(new LabelingWorld(d, Clock.systemUTC())));
    }

    /** The clock of a {@link #shared} world. */
    public MutableClock clock() {
        if (clock instanceof MutableClock mutable) {
            return mutable;
        }
        throw new IllegalStateException("this world runs on the system clock");
    }

    public ApiClient client() {
        return server.client();
    }

    /** The port the server answers gRPC on. */
    public int grpcPort() {
        return server.grpcPort();
    }

    public RunningServer server() {
        return server;
    }

    /** The server's database, for tests that check stored rows directly. */
    public Database database() {
        return server.server().database();
    }

    /** The app owner's personal access token (some calls, such as DeleteApp, take no app key). */
    public String ownerToken() {
        return ownerToken;
    }

    public String token(String userId) {
        return tokens.get(userId);
    }

    /**
     * A user id no test in this world has had (the prefix and a number), for a test that makes
     * a user of its own.
     */
    public synchronized String freshUserId(String prefix) {
        String id;
        do {
            id = prefix + (++userIds);
        } while (!users.add(id));
        return id;
    }

    /** Makes these users (without tokens) unless this world has them already. */
    public synchronized void ensureUsers(String... userIds) {
        Fixtures fixtures = new Fixtures(server.client());
        for (String userId : userIds) {
            if (users.add(userId)) {
                fixtures.createUser(userId);
            }
        }
    }

    /** A fresh app (ids start with the prefix) with concepts cat and dog and everyone as collaborator. */
    public LabelingApp newApp(String prefix) {
        DataFixtures app = newBareApp(prefix);
        app.addCollaborators(ownerToken, PEOPLE.toArray(String[]::new));
        app.postConcepts("cat", "dog");
        return new LabelingApp(this, app);
    }

    /** A fresh app of the owner (id: the prefix and a number unique in this world) with an app key, and nothing else. */
    public synchronized DataFixtures newBareApp(String prefix) {
        return DataFixtures.newApp(server.client(), OWNER, ownerToken, prefix + (++apps));
    }

    @Override
    public void close() {
        server.close();
    }
}
