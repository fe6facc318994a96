package dev.annotask.task;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON of tasks for the task API tests: one valid task, and variations of it member by
 * member, so each test case shows only what it changes. The valid task is FULL by worker
 * {@code w1}, concept {@code cat}, all inputs, no review.
 */
final class TaskJson {
    private static final Map<String, String> VALID = members(
            "\"type\":\"CONCEPTS_CLASSIFICATION\"",
            "\"name\":\"Annotate cat\"",
            "\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
            "\"concept_ids\":[\"cat\"]",
            "\"input_source\":{\"type\":\"ALL_INPUTS\"}",
            "\"review\":{\"strategy\":\"NONE\"}");

    private TaskJson() {
    }

    private static Map<String, String> members(String... members) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String member : members) {
            byKey.put(member.substring(1, member.indexOf('"', 1)), member);
        }
        return byKey;
    }

    /**
     * The valid task with members replaced or added (given as {@code "\"key\":value"}) or
     * removed (given as {@code "-key"}).
     */
    static String task(String... changes) {
        Map<String, String> task = new LinkedHashMap<>(VALID);
        for (String change : changes) {
            if (change.startsWith("-")) {
                task.remove(change.substring(1));
            } else {
                task.putAll(members(change));
            }
        }
        return "{" + String.join(",", task.values()) + "}";
    }

    /** A PostTasks / PatchTasks body member list: {@code {"tasks":[…]}}. */
    static String body(String... tasks) {
        return "{\"tasks\":[" + String.join(",", tasks) + "]}";
    }

    /** A JSON array of strings. */
    static String ids(String... ids) {
        return Arrays.stream(ids).map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /** A FULL worker member with these workers (legacy {@code user_ids}). */
    static String full(String... userIds) {
        return "\"worker\":{\"strategy\":\"FULL\",\"user_ids\":" + ids(userIds) + "}";
    }

    /**
     * A PARTITIONED worker member. {@code perInput} is raw JSON (so a test can send a word);
     * {@code weights} is a JSON object, or null to leave it out.
     */
    static String partitioned(String type, String perInput, String weights, String... userIds) {
        return "\"worker\":{\"strategy\":\"PARTITIONED\",\"user_ids\":" + ids(userIds)
                + ",\"partitioned_strategy_info\":{\"type\":\"" + type + "\",\"workers_per_input\":" + perInput
                + (weights == null ? "" : ",\"weights\":" + weights) + "}}";
    }

    /** A review member with reviewers (legacy {@code user_ids}); {@code info} is a strategy-info member or null. */
    static String review(String strategy, String info, String... userIds) {
        return "\"review\":{\"strategy\":\"" + strategy + "\",\"user_ids\":" + ids(userIds)
                + (info == null ? "" : "," + info) + "}";
    }

    /** A {@code consensus_strategy_info} member with this JSON object. */
    static String consensus(String info) {
        return "\"consensus_strategy_info\":" + info;
    }

    /** A {@code manual_strategy_info} member with this sample percentage (raw JSON). */
    static String manual(String samplePercentage) {
        return "\"manual_strategy_info\":{\"sample_percentage\":" + samplePercentage + "}";
    }

    /** An {@code input_source} member; {@code id} null to leave it out. */
    static String source(String type, String id) {
        return "\"input_source\":{\"type\":\"" + type + "\"" + (id == null ? "" : ",\"id\":\"" + id + "\"") + "}";
    }
}
