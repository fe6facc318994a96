package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.identity.MatrixWorld.Submitted;
import dev.annotask.identity.MatrixWorld.Who;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what: every kind of caller ({@link Who}, the columns) against a representative
 * call of every family of RPC (the rows), each cell the expected answer — {@code ok} (10000)
 * or the status code of the refusal. The table below is the specification
 * (docs/COMPATIBILITY.md, "Who may call what"); each row is one test, on SQLite and PostgreSQL,
 * one server per database ({@link MatrixWorld}).
 *
 * <p>A cell's call acts on something made for it just before (a new input, annotation,
 * invitee, turned-in labeling…) by someone allowed to, so a cell's answer depends on its
 * caller alone and on no other cell. "w's" and "wr's" name the task's labelers; "own … (else
 * w's)" means the caller's own labeling when the caller labels the task, w's otherwise.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AuthorizationMatrixApiTest {
    private static final String OK = "ok";

    private static final String TABLE = """
            row                                                        | owner | appkey | collab | viewer | worker | reviewer | both  | removed | otherkey | expired | deleted | nokey | admin
            users: GetUser me                                          | ok    | 11200  | ok     | ok     | ok     | ok       | ok    | ok      | 11200    | 11008   | 11008   | 11102 | ok
            users: PostUsers                                           | 11007 | 11200  | 11007  | 11007  | 11007  | 11007    | 11007 | 11007   | 11200    | 11008   | 11008   | 11102 | ok
            keys: ListKeys                                             | ok    | 11200  | ok     | ok     | ok     | ok       | ok    | ok      | 11200    | 11008   | 11008   | 11102 | ok
            keys: PostKeys (a token of one's own)                      | ok    | 11200  | ok     | ok     | ok     | ok       | ok    | ok      | 11200    | 11008   | 11008   | 11102 | ok
            keys: ListAppKeys                                          | ok    | 11200  | 11007  | 11007  | 11007  | 11007    | 11007 | 11008   | 11200    | 11008   | 11008   | 11102 | 11008
            apps: ListApps                                             | ok    | 11200  | ok     | ok     | ok     | ok       | ok    | ok      | 11200    | 11008   | 11008   | 11102 | ok
            apps: GetApp                                               | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            apps: MyScopes                                             | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            apps: DeleteApp (an app shared as main is)                 | ok    | 11200  | 11007  | 11007  | 11007  | 11007    | 11007 | 11008   | 11200    | 11008   | 11008   | 11102 | 11008
            collaborators: ListCollaborators                           | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            collaborators: PostCollaborators (a new user)              | ok    | ok     | 11007  | 11007  | 11007  | 11007    | 11007 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            collaborators: PatchCollaborators (one in no task)         | ok    | ok     | 11007  | 11007  | 11007  | 11007    | 11007 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            collaborators: DeleteCollaborators (one in no task)        | ok    | ok     | 11007  | 11007  | 11007  | 11007    | 11007 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            collaborators: ListCollaborations                          | ok    | 11200  | ok     | ok     | ok     | ok       | ok    | ok      | 11200    | 11008   | 11008   | 11102 | ok
            concepts: ListConcepts                                     | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            concepts: PostConcepts                                     | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            inputs: ListInputs                                         | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            inputs: PostInputs                                         | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            inputs: DeleteInputs (a new input)                         | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            datasets: ListDatasets                                     | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            datasets: PostDatasets                                     | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            tasks: GetTask                                             | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            tasks: ListTasks                                           | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            tasks: PostTasks                                           | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            tasks: PatchTasks merge (status unchanged)                 | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            tasks: DeleteTasks (a new task)                            | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            labeling: LABEL_START                                      | 54103 | 54103  | 54103  | 11007  | ok     | 54103    | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            labeling: ListNextTaskAssignments                          | 54103 | 54103  | 54103  | 54103  | ok     | 54103    | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            labeling: LABEL_SUBMIT own unfinished work (else w's)      | 54103 | 54103  | 54103  | 11007  | ok     | 54103    | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_START                                       | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_APPROVE w's turned-in work                  | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_REQUEST_CHANGES w's turned-in work          | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_REJECT w's turned-in work                   | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_APPROVE wr's turned-in work                 | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | 54103 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_REQUEST_CHANGES wr's turned-in work         | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | 54103 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            review: REVIEW_REJECT wr's turned-in work                  | 54103 | 54103  | 54103  | 11007  | 54103  | ok       | 54103 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: ListAnnotations                               | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: ListAnnotationWorkers                         | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: PostAnnotations outside tasks                 | ok    | ok     | ok     | 11007  | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: PatchAnnotations the owner's                  | ok    | ok     | 24156  | 11007  | 24156  | 24156    | 24156 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: DeleteAnnotation the owner's                  | ok    | ok     | 24156  | 11007  | 24156  | 24156    | 24156 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: PatchAnnotations own unfinished (else w's)    | ok    | ok     | 24156  | 11007  | ok     | 24156    | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: PatchAnnotations own turned-in (else w's)     | ok    | ok     | 24156  | 11007  | 54103  | 24156    | 54103 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            annotations: DeleteAnnotation own turned-in (else w's)     | ok    | ok     | 24156  | 11007  | 54103  | 24156    | 54103 | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            counts: GetTaskInputCount                                  | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            counts: GetTaskAnnotationCount                             | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            counts: GetInputSamples                                    | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            media: ListMediaUrls                                       | ok    | ok     | ok     | ok     | ok     | ok       | ok    | 11008   | 11008    | 11008   | 11008   | 11102 | 11008
            status codes: ListStatusCodes (public)                     | ok    | ok     | ok     | ok     | ok     | ok       | ok    | ok      | ok       | ok      | ok      | ok    | ok
            """;

    /**
     * Rows whose refusals are the rules of labeling integrity (docs/ARCHITECTURE.md, "Nobody
     * reviews their own work" and "Turned-in work is frozen"): a worker-and-reviewer never
     * reviews their own labeling, and a labeler does not change or delete task annotations of
     * work they turned in (both 54103). Written when those rules were still on the
     * {@code integrity} branch; listed so that a failure of these rows names the rule broken.
     */
    static final Set<String> INTEGRITY_RULES = Set.of(
            "review: REVIEW_APPROVE wr's turned-in work",
            "review: REVIEW_REQUEST_CHANGES wr's turned-in work",
            "review: REVIEW_REJECT wr's turned-in work",
            "annotations: PatchAnnotations own turned-in (else w's)",
            "annotations: DeleteAnnotation own turned-in (else w's)");

    private static MatrixWorld world;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = MatrixWorld.start(dialect);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        world.close();
    }

    /** One row of the table: its label and the expected answer per column. */
    record Row(String label, Map<Who, String> expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Row> rows() {
        List<String> lines = TABLE.lines().filter(line -> !line.isBlank()).toList();
        List<String> header = cells(lines.get(0));
        List<String> columns = Arrays.stream(Who.values()).map(who -> who.column).toList();
        assertThat(header.subList(1, header.size())).as("the table's columns are the kinds of caller")
                .containsExactlyElementsOf(columns);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = cells(line);
            assertThat(cells).as(line).hasSize(header.size());
            Map<Who, String> expected = new LinkedHashMap<>();
            for (Who who : Who.values()) {
                expected.put(who, cells.get(1 + who.ordinal()));
            }
            rows.add(new Row(cells.get(0), expected));
        }
        return rows;
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.split("\\|")).map(String::trim).toList();
    }

    @Test
    void everyRowHasACallAndEveryCallARow() {
        assertThat(rows()).extracting(Row::label).containsExactlyElementsOf(CALLS.keySet());
        assertThat(CALLS.keySet()).containsAll(INTEGRITY_RULES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachCallerGetsTheExpectedAnswer(Row row) {
        List<String> wrong = new ArrayList<>();
        for (Who who : Who.values()) {
            ApiClient.Reply<BaseResponse> reply = CALLS.get(row.label()).apply(world, who);
            String actual = reply.code() == 10000 ? OK : String.valueOf(reply.code());
            String expected = row.expected().get(who);
            if (!actual.equals(expected)) {
                wrong.add(who.column + ": expected " + expected + ", got " + actual + " — "
                        + reply.status().getDescription() + ": " + reply.status().getDetails());
            }
        }
        String rule = INTEGRITY_RULES.contains(row.label())
                ? " (labeling integrity: no self-review, turned-in work frozen for its labeler)" : "";
        assertThat(wrong).as(row.label() + rule).isEmpty();
    }

    private static final Map<String, BiFunction<MatrixWorld, Who, ApiClient.Reply<BaseResponse>>> CALLS = calls();

    private static Map<String, BiFunction<MatrixWorld, Who, ApiClient.Reply<BaseResponse>>> calls() {
        String base = MatrixWorld.BASE;
        Map<String, BiFunction<MatrixWorld, Who, ApiClient.Reply<BaseResponse>>> calls = new LinkedHashMap<>();
        calls.put("users: GetUser me", (w, who) -> w.send(who, "GET", "/v2/users/me", null));
        calls.put("users: PostUsers", (w, who) -> w.send(who, "POST", "/v2/users",
                "{\"users\":[{\"id\":\"" + w.fresh("made") + "\"}]}"));
        calls.put("keys: ListKeys", (w, who) -> w.send(who, "GET", "/v2/users/me/keys", null));
        calls.put("keys: PostKeys (a token of one's own)", (w, who) -> w.send(who, "POST", "/v2/users/me/keys",
                "{\"keys\":[{\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}"));
        calls.put("keys: ListAppKeys", (w, who) -> w.send(who, "GET", base + "/keys", null));
        calls.put("apps: ListApps", (w, who) -> w.send(who, "GET", "/v2/users/me/apps", null));
        calls.put("apps: GetApp", (w, who) -> w.send(who, "GET", base, null));
        calls.put("apps: MyScopes", (w, who) -> w.send(who, "GET", base + "/myscopes", null));
        calls.put("apps: DeleteApp (an app shared as main is)", (w, who) -> w.send(who, "DELETE",
                "/v2/users/" + MatrixWorld.OWNER + "/apps/" + w.scratchApp(), null));
        calls.put("collaborators: ListCollaborators", (w, who) -> w.send(who, "GET", base + "/collaborators", null));
        calls.put("collaborators: PostCollaborators (a new user)", (w, who) -> w.send(who, "POST",
                base + "/collaborators", "{\"collaborators\":[{\"user\":{\"id\":\"" + w.newUser() + "\"}}]}"));
        calls.put("collaborators: PatchCollaborators (one in no task)", (w, who) -> w.send(who, "PATCH",
                base + "/collaborators", "{\"action\":\"overwrite\",\"collaborators\":[{\"user\":{\"id\":\""
                        + w.newCollaborator() + "\"},\"scopes\":[\"Apps:Get\"]}]}"));
        calls.put("collaborators: DeleteCollaborators (one in no task)", (w, who) -> w.send(who, "DELETE",
                base + "/collaborators", "{\"collaborator_ids\":[\"" + w.newCollaborator() + "\"]}"));
        calls.put("collaborators: ListCollaborations", (w, who) -> w.send(who, "GET", "/v2/users/me/collaborations",
                null));
        calls.put("concepts: ListConcepts", (w, who) -> w.send(who, "GET", base + "/concepts", null));
        calls.put("concepts: PostConcepts", (w, who) -> w.send(who, "POST", base + "/concepts",
                "{\"concepts\":[{\"id\":\"" + w.fresh("concept") + "\"}]}"));
        calls.put("inputs: ListInputs", (w, who) -> w.send(who, "GET", base + "/inputs", null));
        calls.put("inputs: PostInputs", (w, who) -> w.send(who, "POST", base + "/inputs",
                "{\"inputs\":[" + dev.annotask.testing.DataFixtures.textInput(w.fresh("posted")) + "]}"));
        calls.put("inputs: DeleteInputs (a new input)", (w, who) -> w.send(who, "DELETE", base + "/inputs",
                "{\"ids\":[\"" + w.scratchInput() + "\"]}"));
        calls.put("datasets: ListDatasets", (w, who) -> w.send(who, "GET", base + "/datasets", null));
        calls.put("datasets: PostDatasets", (w, who) -> w.send(who, "POST", base + "/datasets",
                "{\"datasets\":[{\"id\":\"" + w.fresh("dataset") + "\"}]}"));
        calls.put("tasks: GetTask", (w, who) -> w.send(who, "GET", base + "/tasks/" + w.taskId(), null));
        calls.put("tasks: ListTasks", (w, who) -> w.send(who, "GET", base + "/tasks", null));
        calls.put("tasks: PostTasks", (w, who) -> w.send(who, "POST", base + "/tasks",
                "{\"tasks\":[" + MatrixWorld.taskJson(null) + "]}"));
        calls.put("tasks: PatchTasks merge (status unchanged)", (w, who) -> w.send(who, "PATCH", base + "/tasks",
                "{\"action\":\"merge\",\"tasks\":[{\"id\":\"" + w.taskId() + "\",\"status\":{\"code\":\"TASK_IN_PROGRESS\"}}]}"));
        calls.put("tasks: DeleteTasks (a new task)", (w, who) -> w.send(who, "DELETE", base + "/tasks",
                "{\"ids\":[\"" + w.scratchTask() + "\"]}"));
        calls.put("labeling: LABEL_START", (w, who) -> assignments(w, who, "{\"action\":\"LABEL_START\"}"));
        calls.put("labeling: ListNextTaskAssignments", (w, who) -> w.send(who, "GET",
                base + "/tasks/" + w.taskId() + "/assignments", null));
        calls.put("labeling: LABEL_SUBMIT own unfinished work (else w's)", (w, who) -> {
            TaskAssignment assignment = w.pending(MatrixWorld.labelerFor(who));
            w.annotate(MatrixWorld.labelerFor(who), assignment.getInput().getId());
            return assignments(w, who, MatrixWorld.submit(List.of(assignment.getId())));
        });
        calls.put("review: REVIEW_START", (w, who) -> assignments(w, who, "{\"action\":\"REVIEW_START\"}"));
        for (Who labeler : List.of(Who.WORKER, Who.BOTH)) {
            String whose = labeler == Who.WORKER ? "w's" : "wr's";
            for (String verdict : List.of("APPROVE", "REQUEST_CHANGES", "REJECT")) {
                String config = "review_" + verdict.toLowerCase() + "_config";
                calls.put("review: REVIEW_" + verdict + " " + whose + " turned-in work", (w, who) -> assignments(w, who,
                        "{\"action\":\"REVIEW_" + verdict + "\",\"" + config + "\":{\"task_assignments\":[{\"id\":\""
                                + w.submitted(labeler).assignmentId() + "\"}]}}"));
            }
        }
        calls.put("annotations: ListAnnotations", (w, who) -> w.send(who, "GET", base + "/annotations", null));
        calls.put("annotations: ListAnnotationWorkers", (w, who) -> w.send(who, "GET", base + "/annotations/workers",
                null));
        calls.put("annotations: PostAnnotations outside tasks", (w, who) -> w.send(who, "POST", base + "/annotations",
                "{\"annotations\":[{\"input_id\":\"in0\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}"));
        calls.put("annotations: PatchAnnotations the owner's", (w, who) -> patchAnnotation(w, who, w.ownerAnnotation(),
                "in0"));
        calls.put("annotations: DeleteAnnotation the owner's", (w, who) -> w.send(who, "DELETE",
                base + "/inputs/in0/annotations/" + w.ownerAnnotation(), null));
        calls.put("annotations: PatchAnnotations own unfinished (else w's)", (w, who) -> {
            Who labeler = MatrixWorld.labelerFor(who);
            String inputId = w.pending(labeler).getInput().getId();
            return patchAnnotation(w, who, w.annotate(labeler, inputId), inputId);
        });
        calls.put("annotations: PatchAnnotations own turned-in (else w's)", (w, who) -> {
            Submitted done = w.submitted(MatrixWorld.labelerFor(who));
            return patchAnnotation(w, who, done.annotationId(), done.inputId());
        });
        calls.put("annotations: DeleteAnnotation own turned-in (else w's)", (w, who) -> {
            Submitted done = w.submitted(MatrixWorld.labelerFor(who));
            return w.send(who, "DELETE", base + "/inputs/" + done.inputId() + "/annotations/" + done.annotationId(),
                    null);
        });
        calls.put("counts: GetTaskInputCount", (w, who) -> w.send(who, "GET",
                base + "/tasks/" + w.taskId() + "/inputs/count", null));
        calls.put("counts: GetTaskAnnotationCount", (w, who) -> w.send(who, "GET",
                base + "/tasks/" + w.taskId() + "/annotations/count", null));
        calls.put("counts: GetInputSamples", (w, who) -> w.send(who, "GET",
                base + "/tasks/" + w.taskId() + "/inputs/samples", null));
        calls.put("media: ListMediaUrls", (w, who) -> w.send(who, "GET", base + "/media_urls?input_ids=in0", null));
        calls.put("status codes: ListStatusCodes (public)", (w, who) -> w.send(who, "GET", "/v2/status_codes", null));
        return calls;
    }

    private static ApiClient.Reply<BaseResponse> assignments(MatrixWorld w, Who who, String json) {
        return w.send(who, "PUT", MatrixWorld.BASE + "/tasks/" + w.taskId() + "/assignments", json);
    }

    private static ApiClient.Reply<BaseResponse> patchAnnotation(MatrixWorld w, Who who, String annotationId,
                                                                 String inputId) {
        return w.send(who, "PATCH", MatrixWorld.BASE + "/annotations", "{\"action\":\"merge\",\"annotations\":[{\"id\":\""
                + annotationId + "\",\"input_id\":\"" + inputId + "\",\"data\":{\"concepts\":[{\"id\":\"dog\","
                + "\"value\":1}]}}]}");
    }
}
