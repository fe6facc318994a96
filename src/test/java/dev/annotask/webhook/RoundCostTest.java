package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.event.EventType;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a subscription to every event type adds to a labeling round (LABEL_START of a batch of
 * 10, one PostAnnotations of the 10 labels, LABEL_SUBMIT), counted rather than timed: the
 * statements the requests run (on SQLite those of the single writer, whose critical path every
 * statement lengthens), pinned so that they cannot creep back; and, printed, the writer's CPU
 * per round and the writes that delivering a round's events costs afterwards. Deliveries are
 * parked while the rounds are counted (the subscription's first delivery failed and its retry is
 * not due on the test's clock), then released and counted apart.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class RoundCostTest {
    /** Rounds counted per app; more for steadier CPU figures (-Dtest.jvm.options=-Droundcost.rounds=200). */
    private static final int ROUNDS = Integer.getInteger("roundcost.rounds", 30);
    private static final int WARM_UP = 10;
    private static LabelingWorld world;
    private static Receiver receiver;

    @Parameter
    SqlDialect dialect;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = Hooks.world(dialect);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        world.close();
    }

    /**
     * Counts statements: on SQLite those the writer runs (whoever asked for them), on PostgreSQL
     * those of request threads, or with {@code everyThread} those of the delivery worker too.
     */
    private static final class Meter implements SqlLogger {
        final AtomicInteger statements = new AtomicInteger();
        final AtomicInteger onWebhookTables = new AtomicInteger();
        final boolean requestsOnly;

        Meter(boolean requestsOnly) {
            this.requestsOnly = requestsOnly;
        }

        @Override
        public void logBeforeExecution(StatementContext context) {
            if (requestsOnly && Thread.currentThread().getName().startsWith("annotask-")) {
                return;
            }
            statements.incrementAndGet();
            String sql = context.getRenderedSql();
            if (sql.contains("webhook") || sql.matches("(?s).*\\bevents\\b.*")) {
                onWebhookTables.incrementAndGet();
            }
        }
    }

    /** The SQLite writer's thread (its units run on it), found when the meter is installed there. */
    private static volatile Thread writer;

    private static long writerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return writer == null ? 0 : threads.getThreadCpuTime(writer.getId());
    }

    /** Installs the meter where it sees what costs: the SQLite writer's own handle, or every new PostgreSQL handle. */
    private Meter install(boolean everyThread) {
        Meter meter = new Meter(dialect != SqlDialect.SQLITE && !everyThread);
        if (dialect == SqlDialect.SQLITE) {
            // The writer keeps one handle, configured when it opened: set the logger on it from inside a unit.
            world.database().units().write(handle -> {
                writer = Thread.currentThread();
                handle.getConfig(SqlStatements.class).setSqlLogger(meter);
                return null;
            });
        } else {
            world.database().jdbi().getConfig(SqlStatements.class).setSqlLogger(meter);
        }
        return meter;
    }

    private void uninstall() {
        if (dialect == SqlDialect.SQLITE) {
            world.database().units().write(handle -> {
                handle.getConfig(SqlStatements.class).setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
                return null;
            });
        } else {
            world.database().jdbi().getConfig(SqlStatements.class).setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
        }
    }

    /** The rounds' cost: statements, those on the webhook tables, the SQLite writer's CPU; per round. */
    private record Cost(double statements, double onWebhookTables, double writerCpuMicros, double events,
                        double deliveryRows) {
    }

    /** An app with a task over enough inputs for every round, its labeler past the first (cache-warming) rounds. */
    private record Labeling(LabelingApp app, String taskId, Labeler labeler) {
    }

    private static Labeling labeling(LabelingApp app) {
        for (int from = 0; from < 10 * (ROUNDS + WARM_UP); from += 100) { // at most 128 per request
            app.data().postTextInputs(IntStream.range(from, from + 100).mapToObj(i -> "in" + i).toArray(String[]::new));
        }
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        return new Labeling(app, taskId, app.labeler("w1"));
    }

    private static void round(Labeling labeling) {
        List<TaskAssignment> batch = labeling.labeler().start(labeling.taskId());
        assertThat(batch).hasSize(10);
        String annotations = batch.stream().map(a -> "{\"input_id\":\"" + a.getInput().getId() + "\",\"task_id\":\""
                + labeling.taskId() + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}")
                .collect(Collectors.joining(","));
        var posted = labeling.labeler().annotate("{\"annotations\":[" + annotations + "]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        var submitted = labeling.labeler().submit(labeling.taskId(), batch);
        assertThat(submitted.code()).as(submitted.body()).isEqualTo(10000);
    }

    private Cost measure(Labeling labeling) {
        for (int i = 0; i < WARM_UP; i++) {
            round(labeling);
        }
        long eventsBefore = stored("events");
        long deliveriesBefore = stored("webhook_deliveries");
        Meter meter = install(false);
        try {
            long cpuBefore = writerCpuNanos();
            for (int i = 0; i < ROUNDS; i++) {
                round(labeling);
            }
            return new Cost(meter.statements.get() / (double) ROUNDS, meter.onWebhookTables.get() / (double) ROUNDS,
                    dialect == SqlDialect.SQLITE ? (writerCpuNanos() - cpuBefore) / 1000.0 / ROUNDS : 0,
                    (stored("events") - eventsBefore) / (double) ROUNDS,
                    (stored("webhook_deliveries") - deliveriesBefore) / (double) ROUNDS);
        } finally {
            uninstall();
        }
    }

    private long stored(String table) {
        return world.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                .mapTo(Long.class).one());
    }

    @Test
    void aSubscriptionToEveryEventAddsFewStatementsToALabelingRound() {
        Labeling plain = labeling(world.newApp("plain"));
        LabelingApp subscribedApp = world.newApp("hooked");
        String hook = "cost-" + dialect.name().toLowerCase() + "-" + subscribedApp.data().appId();
        Labeling hooked = labeling(subscribedApp);
        // The first delivery fails and waits for a retry the test's clock never reaches: the rounds
        // below are counted with deliveries parked.
        receiver.script(hook, 500);
        String[] every = Arrays.stream(EventType.values()).map(EventType::wireName).toArray(String[]::new);
        Hooks.subscribe(world, subscribedApp, "all", receiver.url(hook), every);
        subscribedApp.data().postTextInputs("first");
        Hooks.await(world, Duration.ZERO, "the first delivery failed",
                () -> Hooks.deliveries(world, subscribedApp, "all").stream().anyMatch(d -> d.getAttempts() == 1));

        Cost without = measure(plain);
        Cost with = measure(hooked);
        double eventsPerRound = with.events();
        double deliveryRowsPerRound = with.deliveryRows();
        System.out.printf("%s, labeling round (LABEL_START of 10, PostAnnotations of 10, LABEL_SUBMIT), %s: "
                        + "%.1f statements without a subscription, %.1f with one to every event type (%.1f on the "
                        + "webhook tables); %.1f events and %.1f delivery rows written per round; writer CPU per round "
                        + "%.0f µs without, %.0f µs with%n", dialect, dialect == SqlDialect.SQLITE ? "on the writer"
                        : "by the requests", without.statements(), with.statements(), with.onWebhookTables(),
                eventsPerRound, deliveryRowsPerRound, without.writerCpuMicros(), with.writerCpuMicros());
        assertThat(eventsPerRound).as("annotation.created ×10, assignment.submitted ×10").isEqualTo(20.0);
        assertThat(without.onWebhookTables()).as("without a subscription, at most the cache's occasional look at them")
                .isLessThan(0.5);
        // Pinned: per round, two batches of events (annotation.created, assignment.submitted), each one
        // statement on PostgreSQL and two on SQLite whatever its size; a little room for the
        // subscription cache's occasional reload, none for a statement per event.
        int perBatch = dialect == SqlDialect.SQLITE ? 2 : 1;
        assertThat(with.onWebhookTables()).as("statements on the webhook tables per round").isBetween(2.0 * perBatch,
                2.0 * perBatch + 0.5);
        assertThat(with.statements() - without.statements()).as("statements a subscription adds to a round")
                .isLessThan(2.0 * perBatch + 1);

        // Deliveries released: what sending the rounds' events costs the writer, per event.
        long events = stored("events");
        Meter meter = install(true);
        try {
            long cpuBefore = writerCpuNanos();
            long unitsBefore = world.database().groupCommitUnits();
            world.clock().advance(Duration.ofSeconds(10)); // past the first delivery's retry, within the lease
            Hooks.await(world, Duration.ZERO, "every event delivered", () -> receiver.received(hook).size() >= events + 1);
            double unitsPerEvent = (world.database().groupCommitUnits() - unitsBefore) / (double) events;
            double perEvent = meter.statements.get() / (double) events;
            System.out.printf("%s, delivering %d events: %.2f statements per event (%s), %.2f write units per event,"
                            + " writer CPU %.0f µs per event%n", dialect, events, perEvent,
                    dialect == SqlDialect.SQLITE ? "on the writer" : "the server's, all threads", unitsPerEvent,
                    dialect == SqlDialect.SQLITE ? (writerCpuNanos() - cpuBefore) / 1000.0 / events : 0);
            if (dialect == SqlDialect.SQLITE) {
                // Pinned on the writer: a run of 10 deliveries is recorded in one write of two statements
                // (and the transaction's own), not a statement per delivery (1.24 per event before).
                assertThat(perEvent).as("writer statements per delivered event").isLessThan(1.1);
            }
        } finally {
            uninstall();
        }
    }
}
