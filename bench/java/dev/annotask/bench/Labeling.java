package dev.annotask.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The labeling workflow as the benchmarks drive it over HTTP: labelers {@code l0…} with a key
 * each, apps of the admin ({@value #OWNER}) with the concept {@code cat}, tasks, and the three
 * calls of a round (LABEL_START, PostAnnotations of one concept per input of the batch,
 * LABEL_SUBMIT of the batch): their paths, bodies and the reading of LABEL_START's answer.
 */
final class Labeling {
    static final String OWNER = "admin";
    static final String START = "{\"action\":\"LABEL_START\"}";

    /** One assignment a LABEL_START handed out. */
    record Assignment(String id, String inputId) {
    }

    private Labeling() {
    }

    /** Users {@code l0…l(count-1)}, each with a personal access token of every scope; the tokens in that order. */
    static List<String> users(BenchHttp http, String adminToken, int count) {
        String ids = IntStream.range(0, count).mapToObj(i -> "{\"id\":\"l" + i + "\"}").collect(Collectors.joining(","));
        http.call("POST", "/v2/users", adminToken, "{\"users\":[" + ids + "]}");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String reply = http.call("POST", "/v2/users/l" + i + "/keys", adminToken,
                    "{\"keys\":[{\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}");
            tokens.add(JsonParser.parseString(reply).getAsJsonObject().getAsJsonArray("keys").get(0)
                    .getAsJsonObject().get("id").getAsString());
        }
        return tokens;
    }

    /** An app of the admin's with the concept {@code cat} and the first {@code collaborators} labelers in it. */
    static void app(BenchHttp http, String adminToken, String appId, int collaborators) {
        http.call("POST", "/v2/users/me/apps", adminToken, "{\"apps\":[{\"id\":\"" + appId + "\"}]}");
        http.call("POST", "/v2/users/me/apps/" + appId + "/concepts", adminToken, "{\"concepts\":[{\"id\":\"cat\"}]}");
        for (int i = 0; i < collaborators; i++) {
            http.call("POST", "/v2/users/me/apps/" + appId + "/collaborators", adminToken,
                    "{\"collaborators\":[{\"user\":{\"id\":\"l" + i + "\"}}]}");
        }
    }

    /** A new task over every input of the app; its id. */
    static String createTask(BenchHttp http, String adminToken, String appId, String workers, String review) {
        String reply = http.call("POST", "/v2/users/me/apps/" + appId + "/tasks", adminToken,
                "{\"tasks\":[" + taskDefinition(workers, review) + "]}");
        return JsonParser.parseString(reply).getAsJsonObject().getAsJsonArray("tasks").get(0).getAsJsonObject()
                .get("id").getAsString();
    }

    static String taskDefinition(String workers, String review) {
        return "{\"type\":\"CONCEPTS_CLASSIFICATION\"," + workers + ",\"concept_ids\":[\"cat\"]," + review
                + ",\"input_source\":{\"type\":\"ALL_INPUTS\"}}";
    }

    /** PARTITIONED, evenly, among the first {@code count} labelers, {@code perInput} of them per input. */
    static String partitioned(int count, int perInput) {
        return "\"worker\":{\"strategy\":\"PARTITIONED\",\"user_ids\":[" + IntStream.range(0, count)
                .mapToObj(i -> "\"l" + i + "\"").collect(Collectors.joining(",")) + "],\"partitioned_strategy_info\":"
                + "{\"type\":\"EVENLY\",\"workers_per_input\":" + perInput + "}}";
    }

    /** No review, or CONSENSUS with 2 labelers who must agree, the admin reviewing. */
    static String review(boolean consensus) {
        return consensus
                ? "\"review\":{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2},"
                + "\"user_ids\":[\"" + OWNER + "\"]}"
                : "\"review\":{\"strategy\":\"NONE\"}";
    }

    /** Where LABEL_START and LABEL_SUBMIT go. */
    static String assignmentsPath(String appId, String task) {
        return "/v2/users/" + OWNER + "/apps/" + appId + "/tasks/" + task + "/assignments";
    }

    static String annotationsPath(String appId) {
        return "/v2/users/" + OWNER + "/apps/" + appId + "/annotations";
    }

    /** The assignments of a LABEL_START answer (none when the labeler's work is done). */
    static List<Assignment> assignments(String reply) {
        JsonElement list = JsonParser.parseString(reply).getAsJsonObject().get("task_assignments");
        List<Assignment> found = new ArrayList<>();
        if (list != null) {
            for (JsonElement element : list.getAsJsonArray()) {
                JsonObject assignment = element.getAsJsonObject();
                found.add(new Assignment(assignment.get("id").getAsString(),
                        assignment.getAsJsonObject("input").get("id").getAsString()));
            }
        }
        return found;
    }

    /** PostAnnotations of the concept {@code cat} on every input of the batch. */
    static String annotationsBody(String task, List<Assignment> batch) {
        return "{\"annotations\":[" + batch.stream().map(a -> "{\"input_id\":\"" + a.inputId() + "\",\"task_id\":\"" + task
                + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}").collect(Collectors.joining(",")) + "]}";
    }

    /** LABEL_SUBMIT of the whole batch. */
    static String submitBody(List<Assignment> batch) {
        return "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":{\"task_assignments\":["
                + batch.stream().map(a -> "{\"id\":\"" + a.id() + "\"}").collect(Collectors.joining(",")) + "]}}";
    }

    /**
     * A labeler's round for {@link AsyncLoop}, client {@code c} being labeler {@code l<c>}
     * with {@code tokens.get(c)}: LABEL_START, then (at a human pace) a pause of the think time
     * give or take half, PostAnnotations of the batch, LABEL_SUBMIT of the batch. A labeler
     * given nothing stops, and is counted in {@code ranDry}.
     */
    static AsyncLoop.Round round(BenchHttp http, List<String> tokens, String appId, String task, Duration think,
                                 AtomicInteger ranDry) {
        String assignments = assignmentsPath(appId, task);
        String annotations = annotationsPath(appId);
        return (client, timer) -> {
            String token = tokens.get(client);
            return timer.timeAsync("LABEL_START", () -> http.callAsync("PUT", assignments, token, START))
                    .thenCompose(reply -> {
                        List<Assignment> batch = assignments(reply);
                        if (batch.isEmpty()) {
                            ranDry.incrementAndGet();
                            return CompletableFuture.completedFuture(false);
                        }
                        return pause(think)
                                .thenCompose(paused -> timer.timeAsync("PostAnnotations", () -> http.callAsync("POST",
                                        annotations, token, annotationsBody(task, batch))))
                                .thenCompose(annotated -> timer.timeAsync("LABEL_SUBMIT", () -> http.callAsync("PUT",
                                        assignments, token, submitBody(batch))))
                                .thenApply(submitted -> true);
                    });
        };
    }

    private static CompletableFuture<Void> pause(Duration think) {
        if (think.isZero()) {
            return CompletableFuture.completedFuture(null);
        }
        long millis = (long) (think.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
    }
}
