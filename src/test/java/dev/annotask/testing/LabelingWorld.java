package dev.annotask.testing;

import dev.annotask.config.ServerConfig;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One server (on a clock tests can move) with the people of the labeling tests: an owner,
 * workers w1–w4, reviewers r1–r2 and a stranger, each with a token. Started once per
 * database vendor; {@link #newApp} gives each test a fresh app in which they all collaborate.
 */
public final class LabelingWorld implements AutoCloseable {
    public static final String OWNER = "owner";
    private static final List<String> PEOPLE = List.of("w1", "w2", "w3", "w4", "r1", "r2", "stranger");

    private final MutableClock clock = new MutableClock();
    private final RunningServer server;
    private final String ownerToken;
    private final Map<String, String> tokens = new HashMap<>();
    private int apps;

    private LabelingWorld(SqlDialect dialect, UnaryOperator<ServerConfig> change) {
        server = RunningServer.start(dialect, clock, change);
        Fixtures fixtures = new Fixtures(server.client());
        ownerToken = fixtures.createUserWithToken(OWNER);
        for (String person : PEOPLE) {
            tokens.put(person, fixtures.createUserWithToken(person));
        }
    }

    public static LabelingWorld start(SqlDialect dialect) {
        return new LabelingWorld(dialect, UnaryOperator.identity());
    }

    /** A world whose server's configuration the test changes first (e.g. webhook settings). */
    public static LabelingWorld start(SqlDialect dialect, UnaryOperator<ServerConfig> change) {
        return new LabelingWorld(dialect, change);
    }

    /** The running server, for tests that need its configuration or start a second node on its database. */
    public RunningServer server() {
        return server;
    }

    public MutableClock clock() {
        return clock;
    }

    public ApiClient client() {
        return server.client();
    }

    /** The port the server answers gRPC on. */
    public int grpcPort() {
        return server.grpcPort();
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

    /** A fresh app (ids start with the prefix) with concepts cat and dog and everyone as collaborator. */
    public LabelingApp newApp(String prefix) {
        DataFixtures app = DataFixtures.newApp(server.client(), OWNER, ownerToken, prefix + (++apps));
        app.addCollaborators(ownerToken, PEOPLE.toArray(String[]::new));
        app.postConcepts("cat", "dog");
        return new LabelingApp(this, app);
    }

    @Override
    public void close() {
        server.close();
    }
}
