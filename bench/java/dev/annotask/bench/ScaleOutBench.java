package dev.annotask.bench;

import com.google.protobuf.Message;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import dev.annotask.store.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Scale-out load driver: the real server jar, once as one node and once as two nodes on one
 * PostgreSQL, the same labelers split across the nodes (labeler i on node i mod n, as a
 * round-robin balancer would), measuring LABEL_START and LABEL_SUBMIT. Run with
 * bench/scaleout.sh; prints Markdown.
 *
 * Usage: java -cp target/test-classes:target/classes:DEPS dev.annotask.bench.ScaleOutBench
 *        [inputs] [labelers] [rounds] [think-ms] [strategy PARTITIONED|DYNAMIC]
 *
 * PostgreSQL: an embedded one started here (zonky, the tests' own), or the server named by
 * ANNOTASK_TEST_PG_URL (an admin URL; a new database is created per run). Each run gets a fresh
 * database with synchronous_commit on (PostgreSQL's default; the embedded server turns it off),
 * seeded straight through JDBC (not part of any figure). Each labeler runs 5 unmeasured rounds,
 * then the measured ones: LABEL_START, a pause around think-ms (0 = closed loop, the
 * throughput ceiling), LABEL_SUBMIT of the whole batch.
 */
public class ScaleOutBench {
    static final int WARM_UP_ROUNDS = 5;
    /** "on" (PostgreSQL's default: a commit waits for its log to reach the disk), or "off" to see what that costs. */
    static final boolean SYNCHRONOUS_COMMIT = !System.getenv().getOrDefault("BENCH_PG_SYNCHRONOUS_COMMIT", "on")
            .equals("off");

    public static void main(String[] args) throws Exception {
        int inputs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int labelers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        long think = args.length > 3 ? Long.parseLong(args[3]) : 0;
        String strategy = args.length > 4 ? args[4] : "PARTITIONED";
        System.out.printf("| nodes | %s task, %,d inputs, %d labelers, think %d ms, synchronous_commit %s"
                + " | p50 ms | p99 ms | max ms | calls/s |%n", strategy, inputs, labelers, think,
                SYNCHRONOUS_COMMIT ? "on" : "off");
        System.out.println("|---|---|---|---|---|---|");
        for (int nodes = 1; nodes <= 2; nodes++) {
            run(nodes, inputs, labelers, rounds, think, strategy);
        }
    }

    static void run(int nodeCount, int inputs, int labelers, int rounds, long think, String strategy) throws Exception {
        String url = BenchDatabases.postgres(SYNCHRONOUS_COMMIT);
        if (nodeCount == 1) {
            try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement();
                 ResultSet version = statement.executeQuery("SHOW server_version")) {
                version.next();
                System.err.println("PostgreSQL " + version.getString(1));
            }
        }
        List<ServerProcess> nodes = ServerProcess.startAll(nodeCount, "--data",
                TestDatabases.tempDirectory().toString(), "--db", url, "--admin-token", RunningServer.ADMIN_TOKEN);
        try {
            Fixtures fixtures = new Fixtures(nodes.get(0).client());
            List<String> workers = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < labelers; i++) {
                workers.add("l" + i);
                tokens.add(fixtures.createUserWithToken("l" + i));
            }
            fixtures.createApp(RunningServer.ADMIN_TOKEN, "bench");
            for (String worker : workers) {
                fixtures.addCollaborator(RunningServer.ADMIN_TOKEN, "admin", "bench", worker, "[\"All\"]");
            }
            ApiClient api = nodes.get(0).client();
            ok(api.send("POST", "/v2/users/admin/apps/bench/concepts", RunningServer.ADMIN_TOKEN,
                    "{\"concepts\":[{\"id\":\"cat\"}]}", MultiConceptResponse.getDefaultInstance()));
            new Seeds(url, SqlDialect.POSTGRESQL).inputs("bench", inputs);
            String workerInfo = strategy.equals("PARTITIONED")
                    ? ",\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}" : "";
            String taskId = ok(api.send("POST", "/v2/users/admin/apps/bench/tasks", RunningServer.ADMIN_TOKEN,
                    "{\"tasks\":[{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"" + strategy
                            + "\",\"user_ids\":[" + String.join(",", workers.stream().map(w -> "\"" + w + "\"").toList())
                            + "]" + workerInfo + "},\"concept_ids\":[\"cat\"],\"review\":{\"strategy\":\"NONE\"},"
                            + "\"input_source\":{\"type\":\"ALL_INPUTS\"}}]}", MultiTaskResponse.getDefaultInstance()))
                    .message().getTasks(0).getId();
            String path = "/v2/users/admin/apps/bench/tasks/" + taskId + "/assignments";

            List<double[]> starts = Collections.synchronizedList(new ArrayList<>());
            List<double[]> submits = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(labelers);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < labelers; i++) {
                ApiClient node = nodes.get(i % nodeCount).client();
                String token = tokens.get(i);
                Random random = new Random(i);
                running.add(pool.submit(() -> {
                    if (think > 0) {
                        Thread.sleep(random.nextLong(think));
                    }
                    for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
                        long t0 = System.nanoTime();
                        var batch = ok(node.send("PUT", path, token, "{\"action\":\"LABEL_START\"}",
                                MultiTaskAssignmentResponse.getDefaultInstance())).message();
                        long t1 = System.nanoTime();
                        if (think > 0) {
                            Thread.sleep(think / 2 + random.nextLong(think));
                        }
                        String ids = batch.getTaskAssignmentsList().stream().map(a -> "{\"id\":\"" + a.getId() + "\"}")
                                .collect(Collectors.joining(","));
                        long t2 = System.nanoTime();
                        ok(node.send("PUT", path, token, "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":"
                                + "{\"task_assignments\":[" + ids + "]}}", MultiTaskAssignmentResponse.getDefaultInstance()));
                        long t3 = System.nanoTime();
                        if (r >= 0) {
                            starts.add(new double[] {t0, t1});
                            submits.add(new double[] {t2, t3});
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> labeler : running) {
                labeler.get();
            }
            pool.shutdown();
            report(nodeCount, "LABEL_START (batch of 10)", starts);
            report(nodeCount, "LABEL_SUBMIT (10 assignments)", submits);
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    /** Latency percentiles, and calls per second over the measured span (first start to last end). */
    static void report(int nodes, String call, List<double[]> spans) {
        long[] nanos = new long[spans.size()];
        double first = Double.MAX_VALUE;
        double last = 0;
        for (int i = 0; i < nanos.length; i++) {
            double[] span = spans.get(i);
            nanos[i] = (long) (span[1] - span[0]);
            first = Math.min(first, span[0]);
            last = Math.max(last, span[1]);
        }
        Latencies latencies = Latencies.of(nanos, nanos.length, (last - first) / 1e9);
        System.out.printf("| %d | %s | %.1f | %.1f | %.1f | %.0f |%n", nodes, call, latencies.p50Millis(),
                latencies.p99Millis(), latencies.maxMillis(), latencies.perSecond());
    }

    static <T extends Message> ApiClient.Reply<T> ok(ApiClient.Reply<T> reply) {
        if (reply.code() != 10000) {
            throw new IllegalStateException(reply.body());
        }
        return reply;
    }
}
