import dev.annotask.assign.Rendezvous;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The labeling workflow's load driver: starts the real server jar on SQLite, seeds inputs
 * straight into its database (the API would take hours for a million), and measures through
 * HTTP what the workflow issue's targets name. Run with bench/run.sh; prints Markdown.
 *
 * Usage: java -cp target/annotask.jar bench/LabelingBench.java [inputs] [labelers] [rounds] [think-ms]
 *
 * Every labeler first runs 30 unmeasured rounds in a closed loop (JIT warm-up: a server runs
 * for days, and fewer calls left the hot code interpreted during measurement), all wait for
 * each other, then the measured rounds:
 * LABEL_START, a pause around think-ms (the time a person spends on the batch, drawn
 * uniformly from half to one and a half times it, and each labeler starting at a random
 * moment within one think time, so that 32 people do not act in lockstep; 0 = a closed loop
 * that saturates the server), LABEL_SUBMIT.
 */
public class LabelingBench {
    static final String ADMIN = "bench-admin-token-4c8e1f92a7d3";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String base;
    static long think;
    static final int WARM_UP_ROUNDS = 30;

    public static void main(String[] args) throws Exception {
        int inputs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int labelers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        think = args.length > 3 ? Long.parseLong(args[3]) : 0;
        Path data = Files.createTempDirectory("annotask-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
        // Extra server JVM options, e.g. a Flight Recorder profile:
        // BENCH_SERVER_OPTS='-XX:StartFlightRecording=filename=/tmp/server.jfr'
        String extra = System.getenv().getOrDefault("BENCH_SERVER_OPTS", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", "target/annotask.jar", "serve", "--port", String.valueOf(port), "--grpc-port",
                "0", "--host", "127.0.0.1", "--data", data.toString(), "--admin-token", ADMIN));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            awaitStart(server);
            base = "http://127.0.0.1:" + port;
            run(data, inputs, labelers, rounds, server.pid());
        } finally {
            server.toHandle().destroy(); // SIGTERM, leaving the output drain to end by itself
            server.waitFor();
        }
    }

    static void run(Path data, int inputs, int labelers, int rounds, long pid) throws Exception {
        List<String> workers = new ArrayList<>();
        Map<String, String> tokens = new HashMap<>();
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < labelers; i++) {
            workers.add("l" + i);
            users.append(i == 0 ? "" : ",").append("{\"id\":\"l").append(i).append("\"}");
        }
        call("POST", "/v2/users", ADMIN, "{\"users\":[" + users + "]}");
        call("POST", "/v2/users/me/apps", ADMIN, "{\"apps\":[{\"id\":\"bench\"}]}");
        call("POST", "/v2/users/me/apps/bench/concepts", ADMIN, "{\"concepts\":[{\"id\":\"cat\"}]}");
        for (String worker : workers) {
            String reply = call("POST", "/v2/users/" + worker + "/keys", ADMIN,
                    "{\"keys\":[{\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}");
            tokens.put(worker, field(reply, "id"));
            call("POST", "/v2/users/me/apps/bench/collaborators", ADMIN,
                    "{\"collaborators\":[{\"user\":{\"id\":\"" + worker + "\"}}]}");
        }
        call("POST", "/v2/users/me/apps/bench/datasets", ADMIN, "{\"datasets\":[{\"id\":\"small\"}]}");
        long seeded = System.nanoTime();
        seed(data, inputs);
        System.out.printf("seeded %,d inputs (and a 1,000-input dataset) in %.1f s%n%n", inputs,
                (System.nanoTime() - seeded) / 1e9);

        String workerList = String.join(",", workers.stream().map(w -> "\"" + w + "\"").toList());
        String partitioned = "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"PARTITIONED\",\"user_ids\":["
                + workerList + "],\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}},"
                + "\"concept_ids\":[\"cat\"],\"review\":{\"strategy\":\"NONE\"},\"input_source\":";
        List<Double> big = new ArrayList<>();
        List<Double> small = new ArrayList<>();
        String taskId = null;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            String reply = call("POST", "/v2/users/me/apps/bench/tasks", ADMIN,
                    "{\"tasks\":[" + partitioned + "{\"type\":\"ALL_INPUTS\"}}]}");
            big.add((System.nanoTime() - t0) / 1e6);
            taskId = field(reply, "id");
            long t1 = System.nanoTime();
            call("POST", "/v2/users/me/apps/bench/tasks", ADMIN,
                    "{\"tasks\":[" + partitioned + "{\"type\":\"DATASET\",\"id\":\"small\"}}]}");
            small.add((System.nanoTime() - t1) / 1e6);
        }
        System.out.println("| PostTasks (PARTITIONED, 32 workers) | median ms | max ms |");
        System.out.println("|---|---|---|");
        System.out.printf("| over %,d inputs (ALL_INPUTS) | %.1f | %.1f |%n", inputs, median(big), Collections.max(big));
        System.out.printf("| over 1,000 inputs (DATASET) | %.1f | %.1f |%n%n", median(small), Collections.max(small));

        List<Double> starts = Collections.synchronizedList(new ArrayList<>());
        List<Double> submits = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(labelers);
        String path = "/v2/users/admin/apps/bench/tasks/" + taskId + "/assignments";
        List<Future<?>> futures = new ArrayList<>();
        java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(labelers);
        for (String worker : workers) {
            String token = tokens.get(worker);
            futures.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random(worker.hashCode());
                // Warm-up: every labeler in a closed loop until the server's hot code is
                // compiled, then all wait for each other, so measured calls see a warm server.
                for (int r = 0; r < WARM_UP_ROUNDS; r++) {
                    List<String> ids = assignmentIds(call("PUT", path, token, "{\"action\":\"LABEL_START\"}"));
                    call("PUT", path, token, submitBody(ids));
                }
                warm.countDown();
                warm.await();
                if (think > 0) {
                    Thread.sleep(random.nextLong(think));
                }
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    String batch = call("PUT", path, token, "{\"action\":\"LABEL_START\"}");
                    starts.add((System.nanoTime() - t0) / 1e6);
                    if (think > 0) {
                        Thread.sleep(think / 2 + random.nextLong(think));
                    }
                    String submit = submitBody(assignmentIds(batch));
                    long t1 = System.nanoTime();
                    call("PUT", path, token, submit);
                    submits.add((System.nanoTime() - t1) / 1e6);
                }
                return null;
            }));
        }
        warm.await();
        long began = System.nanoTime();
        for (Future<?> future : futures) {
            future.get();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        pool.shutdown();
        System.out.printf("| %d labelers, %d rounds each, think %d ms, %,d-input PARTITIONED task | p50 ms | p99 ms"
                + " | max ms | calls/s |%n", labelers, rounds, think, inputs);
        System.out.println("|---|---|---|---|---|");
        System.out.printf("| LABEL_START (batch of 10) | %.1f | %.1f | %.1f | %.0f |%n", pct(starts, 50), pct(starts, 99),
                Collections.max(starts), starts.size() / seconds);
        System.out.printf("| LABEL_SUBMIT (10 assignments) | %.1f | %.1f | %.1f | %.0f |%n%n", pct(submits, 50),
                pct(submits, 99), Collections.max(submits), submits.size() / seconds);
        System.out.printf("server RSS after the run: %d MiB%n%n", rssMiB(pid));
        shares();
    }

    /** Weighted shares and movement, from the same partitioning code the server runs. */
    static void shares() {
        System.out.println("| split of 10,000 inputs | worker | share | target |");
        System.out.println("|---|---|---|---|");
        report("90/10, 1 per input", Map.of("a", 90.0, "b", 10.0), 1);
        report("1/1/1, 1 per input", Map.of("a", 1.0, "b", 1.0, "c", 1.0), 1);
        report("1/1/1, 2 per input", Map.of("a", 1.0, "b", 1.0, "c", 1.0), 2);
        Rendezvous three = new Rendezvous(42, Map.of("a", 1.0, "b", 1.0, "c", 1.0));
        Rendezvous four = new Rendezvous(42, Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0));
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            if (!three.owners("input-" + i, 1).equals(four.owners("input-" + i, 1))) {
                moved++;
            }
        }
        System.out.printf("%nadding a 4th worker to a 3-worker EVENLY task moves %.1f%% of the inputs (target <= 30%%, ideal 25%%)%n",
                moved / 100.0);
    }

    static void report(String name, Map<String, Double> weights, int k) {
        Rendezvous split = new Rendezvous(42, weights);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            split.owners("input-" + i, k).forEach(w -> counts.merge(w, 1, Integer::sum));
        }
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        weights.keySet().stream().sorted().forEach(w -> System.out.printf("| %s | %s | %.2f%% | %.2f%% |%n", name, w,
                100.0 * counts.getOrDefault(w, 0) / (10_000.0 * k), 100.0 * weights.get(w) / total));
    }

    static void seed(Path data, int inputs) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("annotask.db")
                + "?busy_timeout=30000&journal_mode=WAL")) {
            String appUid;
            try (ResultSet rs = db.createStatement().executeQuery("SELECT uid FROM apps WHERE id = 'bench'")) {
                rs.next();
                appUid = rs.getString(1);
            }
            db.setAutoCommit(false);
            long now = System.currentTimeMillis();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO inputs (app_uid, id, data, byte_size,"
                    + " status, created_at, modified_at) VALUES (?, ?, '{\"text\":{\"raw\":\"x\"}}', 0, 30000, ?, ?)")) {
                for (int i = 0; i < inputs; i++) {
                    insert.setString(1, appUid);
                    insert.setString(2, String.format("input-%08d", i));
                    insert.setLong(3, now);
                    insert.setLong(4, now);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            try (PreparedStatement member = db.prepareStatement("INSERT INTO dataset_inputs (app_uid, dataset_id,"
                    + " input_id, created_at, input_seq) SELECT app_uid, 'small', id, created_at, seq FROM inputs"
                    + " WHERE app_uid = ? ORDER BY seq LIMIT 1000")) {
                member.setString(1, appUid);
                member.executeUpdate();
            }
            try (PreparedStatement counts = db.prepareStatement("UPDATE apps SET input_count = input_count + ?"
                    + " WHERE uid = ?")) {
                counts.setLong(1, inputs);
                counts.setString(2, appUid);
                counts.executeUpdate();
            }
            try (PreparedStatement counts = db.prepareStatement("UPDATE datasets SET input_count = 1000"
                    + " WHERE app_uid = ? AND id = 'small'")) {
                counts.setString(1, appUid);
                counts.executeUpdate();
            }
            db.commit();
        }
    }

    static String call(String verb, String path, String token, String json) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Key " + token).header("Content-Type", "application/json")
                    .method(verb, HttpRequest.BodyPublishers.ofString(json == null ? "" : json)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (!response.body().contains("\"code\":10000")) {
                throw new IllegalStateException(verb + " " + path + " -> " + response.body());
            }
            return response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json.substring(json.indexOf('[')));
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static List<String> assignmentIds(String json) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"id\":\"([0-9a-f]{32})\",\"created_at\"").matcher(json);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static double median(List<Double> values) {
        return pct(values, 50);
    }

    static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    static long rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    static void awaitStart(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains("serving HTTP")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { if (l.startsWith("SLOW")) System.err.println(l); }));
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("the server did not start");
    }

    static String submitBody(List<String> assignmentIds) {
        StringBuilder submit = new StringBuilder();
        for (String id : assignmentIds) {
            submit.append(submit.length() == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\"}");
        }
        return "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":{\"task_assignments\":[" + submit + "]}}";
    }
}
