package dev.annotask.official;

import static org.assertj.core.api.Assertions.assertThat;

import com.clarifai.grpc.api.Annotation;
import com.clarifai.grpc.api.App;
import com.clarifai.grpc.api.Collaborator;
import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Dataset;
import com.clarifai.grpc.api.Filter;
import com.clarifai.grpc.api.ListSearchesRequest;
import com.clarifai.grpc.api.PostInputsSearchesRequest;
import com.clarifai.grpc.api.PostSearchesByIDRequest;
import com.clarifai.grpc.api.Query;
import com.clarifai.grpc.api.Search;
import com.clarifai.grpc.api.DatasetInput;
import com.clarifai.grpc.api.DatasetVersion;
import com.clarifai.grpc.api.DatasetVersionExport;
import com.clarifai.grpc.api.DatasetVersionExportFormat;
import com.clarifai.grpc.api.GetDatasetVersionRequest;
import com.clarifai.grpc.api.MultiDatasetVersionExportResponse;
import com.clarifai.grpc.api.PostDatasetVersionsRequest;
import com.clarifai.grpc.api.PutDatasetVersionExportsRequest;
import com.clarifai.grpc.api.BoundingBox;
import com.clarifai.grpc.api.Region;
import com.clarifai.grpc.api.RegionInfo;
import com.clarifai.grpc.api.DeleteTasksRequest;
import com.clarifai.grpc.api.GetInputRequest;
import com.clarifai.grpc.api.GetTaskCountRequest;
import com.clarifai.grpc.api.GetTaskRequest;
import com.clarifai.grpc.api.Image;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Key;
import com.clarifai.grpc.api.LabelSubmitConfig;
import com.clarifai.grpc.api.ListAnnotationWorkersRequest;
import com.clarifai.grpc.api.ListAnnotationsRequest;
import com.clarifai.grpc.api.ListNextTaskAssignmentsRequest;
import com.clarifai.grpc.api.ListTasksRequest;
import com.clarifai.grpc.api.MultiCollaboratorsResponse;
import com.clarifai.grpc.api.MultiTaskAssignmentResponse;
import com.clarifai.grpc.api.MultiTaskResponse;
import com.clarifai.grpc.api.PatchCollaboratorsRequest;
import com.clarifai.grpc.api.PatchTasksRequest;
import com.clarifai.grpc.api.PostAnnotationsRequest;
import com.clarifai.grpc.api.PostAppsRequest;
import com.clarifai.grpc.api.PostCollaboratorsRequest;
import com.clarifai.grpc.api.PostConceptsRequest;
import com.clarifai.grpc.api.PostDatasetInputsRequest;
import com.clarifai.grpc.api.PostDatasetsRequest;
import com.clarifai.grpc.api.PostInputsRequest;
import com.clarifai.grpc.api.PostKeysRequest;
import com.clarifai.grpc.api.PostTasksRequest;
import com.clarifai.grpc.api.PutTaskAssignmentsRequest;
import com.clarifai.grpc.api.PutTaskAssignmentsRequestAction;
import com.clarifai.grpc.api.ReviewApproveConfig;
import com.clarifai.grpc.api.Task;
import com.clarifai.grpc.api.TaskAssignment;
import com.clarifai.grpc.api.TaskConcept;
import com.clarifai.grpc.api.TaskInputSource;
import com.clarifai.grpc.api.TaskReview;
import com.clarifai.grpc.api.TaskReviewConsensusStrategyInfo;
import com.clarifai.grpc.api.TaskReviewManualStrategyInfo;
import com.clarifai.grpc.api.TaskStatusCountPerUser;
import com.clarifai.grpc.api.TaskWorker;
import com.clarifai.grpc.api.TaskWorkerPartitionedStrategyInfo;
import com.clarifai.grpc.api.Text;
import com.clarifai.grpc.api.User;
import com.clarifai.grpc.api.UserAppIDSet;
import com.clarifai.grpc.api.V2Grpc;
import com.clarifai.grpc.api.V2Grpc.V2BlockingStub;
import com.clarifai.grpc.api.Worker;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import com.clarifai.credentials.ClarifaiCallCredentials;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestImages;
import io.grpc.Channel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole labeling flow driven by Clarifai's official Java client (clarifai-grpc 10.3.3),
 * once per client mode: the subclasses give the stubs, plaintext gRPC or the JSON channel.
 * Keys, app, collaborators, concepts, inputs, dataset; tasks of every worker and review
 * strategy; LABEL_START, annotate, LABEL_SUBMIT; review; counts; patch; delete; the annotation
 * workers; a collaborator's scopes changed; a search, saved, feeding a SAVED_SEARCH task.
 *
 * <p>Where a mode's client cannot make a call at all, the subclass shows that limit and
 * makes the call the way such a user has to (see {@link #putTaskAssignments}). Each mode runs
 * in a JVM of its own, because the client's marshaller choice is JVM-wide.
 *
 * <p>Deprecated fields (legacy {@code user_ids}, {@code TaskStatusCountPerUser.user_id}) are
 * used on purpose in places: 10.3.3 users still send and read them.
 */
@SuppressWarnings("deprecation")
public abstract class OfficialClientFlow {
    protected static final String OWNER = "owner";
    protected static final String APP = "pets";
    private static final UserAppIDSet APP_IDS = UserAppIDSet.newBuilder().setUserId(OWNER).setAppId(APP).build();

    protected static RunningServer server;
    private static Map<String, String> tokens;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(SqlDialect.SQLITE);
        // Users are Annotask's own admin extension, outside Clarifai's API: made over REST.
        Fixtures fixtures = new Fixtures(server.client());
        tokens = Map.of(OWNER, fixtures.createUserWithToken(OWNER), "w1", fixtures.createUserWithToken("w1"),
                "w2", fixtures.createUserWithToken("w2"), "r1", fixtures.createUserWithToken("r1"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** The channel of this mode: plaintext gRPC, or the client's JSON channel. */
    protected abstract Channel channel();

    /** A stub on this mode's channel sending {@code Key <key>}, as the client's docs make one. */
    protected final V2BlockingStub stub(String key) {
        return V2Grpc.newBlockingStub(channel()).withCallCredentials(new ClarifaiCallCredentials(key));
    }

    /** PutTaskAssignments as a user of this mode can make it. */
    protected abstract MultiTaskAssignmentResponse putTaskAssignments(String key, PutTaskAssignmentsRequest request);

    /** PutDatasetVersionExports as a user of this mode can make it. */
    protected abstract MultiDatasetVersionExportResponse putDatasetVersionExports(String key,
                                                                                  PutDatasetVersionExportsRequest request);

    /** ListTasks filtered by worker (a repeated field on a GET), as a user of this mode can make it; null if none can. */
    protected abstract MultiTaskResponse listTasksOfWorker(String key, ListTasksRequest request);

    protected static String token(String userId) {
        return tokens.get(userId);
    }

    @Test
    void aWholeLabelingFlowFromAppToDeletedTask() {
        V2BlockingStub owner = stub(token(OWNER));
        // No user_app_id on these user-level calls: the JSON channel throws NullPointerException
        // on a user_app_id without app_id, and the token's own user is meant anyway.
        ok(owner.postApps(PostAppsRequest.newBuilder()
                .addApps(App.newBuilder().setId(APP).setName("Pets")).build()));
        var keys = ok(owner.postKeys(PostKeysRequest.newBuilder()
                .addKeys(Key.newBuilder().setDescription("pets key").addScopes("All")
                        .addApps(App.newBuilder().setId(APP).setUserId(OWNER))).build()));
        V2BlockingStub app = stub(keys.getKeys(0).getId());
        PostCollaboratorsRequest.Builder collaborators = PostCollaboratorsRequest.newBuilder().setUserAppId(APP_IDS);
        for (String user : List.of("w1", "w2", "r1")) {
            collaborators.addCollaborators(Collaborator.newBuilder().setUser(User.newBuilder().setId(user)).addScopes("All"));
        }
        ok(owner.postCollaborators(collaborators.build()));

        ok(app.postConcepts(PostConceptsRequest.newBuilder()
                .addConcepts(Concept.newBuilder().setId("cat")).addConcepts(Concept.newBuilder().setId("dog")).build()));
        PostInputsRequest.Builder inputs = PostInputsRequest.newBuilder();
        for (int i = 0; i < 4; i++) {
            inputs.addInputs(Input.newBuilder().setId("in" + i)
                    .setData(Data.newBuilder().setText(Text.newBuilder().setRaw("text " + i))));
        }
        ok(app.postInputs(inputs.build()));
        ok(app.postDatasets(PostDatasetsRequest.newBuilder().addDatasets(Dataset.newBuilder().setId("first")).build()));
        ok(app.postDatasetInputs(PostDatasetInputsRequest.newBuilder().setDatasetId("first")
                .addDatasetInputs(DatasetInput.newBuilder().setInput(Input.newBuilder().setId("in0")))
                .addDatasetInputs(DatasetInput.newBuilder().setInput(Input.newBuilder().setId("in1"))).build()));

        List<Task> tasks = ok(app.postTasks(PostTasksRequest.newBuilder()
                .addTasks(task("full, manual review", fullWorkers("w1"), datasetSource("first"), manualReview("r1")))
                .addTasks(task("evenly, no review", partitioned(TaskWorkerPartitionedStrategyInfo
                        .TaskWorkerPartitionedStrategy.EVENLY, 1, null), allInputs(), noReview()))
                .addTasks(task("weighted, consensus", partitioned(TaskWorkerPartitionedStrategyInfo
                        .TaskWorkerPartitionedStrategy.WEIGHTED, 2, weights()), allInputs(), consensusReview()))
                .addTasks(task("dynamic", dynamicWorkers(), allInputs(), noReview()))
                .build())).getTasksList();
        assertThat(tasks).extracting(Task::getName)
                .containsExactly("full, manual review", "evenly, no review", "weighted, consensus", "dynamic");
        assertThat(tasks).allSatisfy(task -> assertThat(task.getId()).matches("[0-9a-f]{32}"));
        assertThat(tasks.get(2).getReview().getConsensusStrategyInfo().getApprovalThreshold())
                .as("10.3.3's consensus threshold").isEqualTo(2);
        assertThat(tasks.get(3).getWorker().getStrategyValue()).as("DYNAMIC, unknown to 10.3.3, kept as its number")
                .isEqualTo(4);
        String fullTask = tasks.get(0).getId();

        assertThat(ok(app.getTask(GetTaskRequest.newBuilder().setTaskId(fullTask).build())).getTask().getName())
                .isEqualTo("full, manual review");
        assertThat(ok(app.listTasks(ListTasksRequest.newBuilder().setPerPage(10).build())).getTasksList()).hasSize(4);
        MultiTaskResponse ofW2 = listTasksOfWorker(keys.getKeys(0).getId(),
                ListTasksRequest.newBuilder().addWorkerUserIds("w2").build());
        if (ofW2 != null) {
            assertThat(ok(ofW2).getTasksList()).extracting(Task::getName)
                    .containsExactly("evenly, no review", "weighted, consensus", "dynamic");
        }

        labelAndReview(fullTask);

        ok(app.patchTasks(PatchTasksRequest.newBuilder().setAction("merge")
                .addTasks(Task.newBuilder().setId(fullTask).setStatus(Status.newBuilder().setCode(StatusCode.TASK_DONE)))
                .build()));
        assertThat(ok(app.getTask(GetTaskRequest.newBuilder().setTaskId(fullTask).build())).getTask().getStatus()
                .getCode()).isEqualTo(StatusCode.TASK_DONE);
        ok(app.deleteTasks(DeleteTasksRequest.newBuilder().addIds(tasks.get(1).getId()).build()));
        assertThat(app.getTask(GetTaskRequest.newBuilder().setTaskId(tasks.get(1).getId()).build()).getStatus()
                .getCode()).as("a failure is a status, not an exception").isEqualTo(StatusCode.TASK_MISSING);
        assertThat(ok(app.listTasks(ListTasksRequest.newBuilder().build())).getTasksList()).hasSize(3);

        assertThat(ok(owner.listAnnotationWorkers(ListAnnotationWorkersRequest.newBuilder().setUserAppId(APP_IDS)
                .build())).getWorkersList()).extracting(worker -> worker.getUser().getId()).containsExactly("w1");
        MultiCollaboratorsResponse patched = ok(owner.patchCollaborators(PatchCollaboratorsRequest.newBuilder()
                .setUserAppId(APP_IDS).setAction("overwrite")
                .addCollaborators(Collaborator.newBuilder().setUser(User.newBuilder().setId("w2"))
                        .addScopes("Apps:Get").addScopes("Tasks:Get")).build()));
        assertThat(patched.getCollaborators(0).getScopesList()).containsExactly("Apps:Get", "Tasks:Get");
        assertThat(stub(token("w2")).postConcepts(PostConceptsRequest.newBuilder().setUserAppId(APP_IDS)
                .addConcepts(Concept.newBuilder().setId("bird")).build()).getStatus().getCode())
                .as("w2 may no longer add concepts").isEqualTo(StatusCode.CONN_INSUFFICIENT_SCOPES);
    }

    @Test
    void anUploadedImageIsReadBackWithItsHostedUrlAndSize() throws Exception {
        V2BlockingStub owner = stub(token(OWNER));
        ok(owner.postApps(PostAppsRequest.newBuilder().addApps(App.newBuilder().setId("photos")).build()));
        String key = ok(owner.postKeys(PostKeysRequest.newBuilder()
                .addKeys(Key.newBuilder().setDescription("photos key").addScopes("All")
                        .addApps(App.newBuilder().setId("photos").setUserId(OWNER))).build())).getKeys(0).getId();
        byte[] png = TestImages.png(120, 80);
        ok(stub(key).postInputs(PostInputsRequest.newBuilder().addInputs(Input.newBuilder().setId("photo")
                .setData(Data.newBuilder().setImage(Image.newBuilder().setBase64(ByteString.copyFrom(png))))).build()));

        Image image = ok(stub(key).getInput(GetInputRequest.newBuilder().setInputId("photo").build())).getInput()
                .getData().getImage();
        assertThat(image.getImageInfo().getWidth()).isEqualTo(120);
        assertThat(image.getImageInfo().getHeight()).isEqualTo(80);
        assertThat(image.getImageInfo().getFormat()).isEqualTo("PNG");
        assertThat(image.getHosted().getSizesList()).containsExactly("orig");
        assertThat(image.getUrl()).isEqualTo(image.getHosted().getPrefix() + "/orig/" + image.getHosted().getSuffix());
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(image.getUrl()))
                .header("Authorization", "Key " + key).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(png);
    }

    @Test
    void aSavedSearchFeedsATask() {
        V2BlockingStub owner = stub(token(OWNER));
        UserAppIDSet ids = UserAppIDSet.newBuilder().setUserId(OWNER).setAppId("searched").build();
        ok(owner.postApps(PostAppsRequest.newBuilder().addApps(App.newBuilder().setId("searched")).build()));
        ok(owner.postCollaborators(PostCollaboratorsRequest.newBuilder().setUserAppId(ids).addCollaborators(
                Collaborator.newBuilder().setUser(User.newBuilder().setId("w1")).addScopes("All")).build()));
        ok(owner.postConcepts(PostConceptsRequest.newBuilder().setUserAppId(ids)
                .addConcepts(Concept.newBuilder().setId("cat")).addConcepts(Concept.newBuilder().setId("dog")).build()));
        ok(owner.postInputs(PostInputsRequest.newBuilder().setUserAppId(ids).addInputs(batchInput("s0", 1))
                .addInputs(batchInput("s1", 2)).build()));
        Query firstBatch = Query.newBuilder().addFilters(Filter.newBuilder().setInput(Input.newBuilder()
                .setData(Data.newBuilder().setMetadata(batch(1))))).build();

        var found = ok(owner.postInputsSearches(PostInputsSearchesRequest.newBuilder().setUserAppId(ids)
                .addSearches(Search.newBuilder().setQuery(firstBatch)).build()));
        assertThat(found.getHitsList()).extracting(hit -> hit.getInput().getId()).containsExactly("s0");
        assertThat(found.getHits(0).getScore()).isEqualTo(1.0f);
        var saved = ok(owner.postInputsSearches(PostInputsSearchesRequest.newBuilder().setUserAppId(ids)
                .addSearches(Search.newBuilder().setId("first-batch").setQuery(firstBatch).setSave(true)).build()));
        assertThat(saved.getSearches(0).getId()).isEqualTo("first-batch");
        assertThat(ok(owner.listSearches(ListSearchesRequest.newBuilder().setUserAppId(ids).build())).getSearchesList())
                .extracting(Search::getId).containsExactly("first-batch");

        Task task = ok(owner.postTasks(PostTasksRequest.newBuilder().setUserAppId(ids).addTasks(task("from a search",
                fullWorkers("w1"), TaskInputSource.newBuilder().setType(TaskInputSource.TaskInputSourceType.SAVED_SEARCH)
                        .setId("first-batch").build(), noReview())).build())).getTasks(0);
        // An input that matches after the task was made joins it.
        ok(owner.postInputs(PostInputsRequest.newBuilder().setUserAppId(ids).addInputs(batchInput("s2", 1)).build()));

        assertThat(ok(owner.postSearchesByID(PostSearchesByIDRequest.newBuilder().setUserAppId(ids)
                .setId("first-batch").build())).getHitsList()).extracting(hit -> hit.getInput().getId())
                .containsExactly("s0", "s2");
        assertThat(ok(stub(token("w1")).listNextTaskAssignments(ListNextTaskAssignmentsRequest.newBuilder()
                .setUserAppId(ids).setTaskId(task.getId()).build())).getInputsList()).extracting(Input::getId)
                .containsExactly("s0", "s2");
    }

    private static Input batchInput(String id, int batch) {
        return Input.newBuilder().setId(id).setData(Data.newBuilder().setText(Text.newBuilder().setRaw(id))
                .setMetadata(batch(batch))).build();
    }

    private static Struct batch(int batch) {
        return Struct.newBuilder().putFields("batch", Value.newBuilder().setNumberValue(batch).build()).build();
    }

    @Test
    void aDatasetVersionIsExportedAsCocoAndTheZipDownloaded() throws Exception {
        V2BlockingStub owner = stub(token(OWNER));
        ok(owner.postApps(PostAppsRequest.newBuilder().addApps(App.newBuilder().setId("albums")).build()));
        String key = ok(owner.postKeys(PostKeysRequest.newBuilder()
                .addKeys(Key.newBuilder().setDescription("albums key").addScopes("All")
                        .addApps(App.newBuilder().setId("albums").setUserId(OWNER))).build())).getKeys(0).getId();
        V2BlockingStub app = stub(key);
        ok(app.postConcepts(PostConceptsRequest.newBuilder().addConcepts(Concept.newBuilder().setId("cat")).build()));
        ok(app.postDatasets(PostDatasetsRequest.newBuilder().addDatasets(Dataset.newBuilder().setId("pets")).build()));
        ok(app.postInputs(PostInputsRequest.newBuilder().addInputs(Input.newBuilder().setId("photo").addDatasetIds("pets")
                .setData(Data.newBuilder().setImage(Image.newBuilder()
                        .setBase64(ByteString.copyFrom(TestImages.png(100, 50)))))).build()));
        ok(app.postAnnotations(PostAnnotationsRequest.newBuilder().addAnnotations(Annotation.newBuilder()
                .setInputId("photo").setData(Data.newBuilder().addRegions(Region.newBuilder()
                        .setRegionInfo(RegionInfo.newBuilder().setBoundingBox(BoundingBox.newBuilder()
                                .setTopRow(0.2f).setLeftCol(0.1f).setBottomRow(0.6f).setRightCol(0.5f)))
                        .setData(Data.newBuilder().addConcepts(Concept.newBuilder().setId("cat").setValue(1)))))).build()));

        DatasetVersion posted = ok(app.postDatasetVersions(PostDatasetVersionsRequest.newBuilder().setDatasetId("pets")
                .addDatasetVersions(DatasetVersion.newBuilder().setId("v1")).build())).getDatasetVersions(0);
        assertThat(posted.getStatus().getCode()).isEqualTo(StatusCode.DATASET_VERSION_PENDING);
        GetDatasetVersionRequest get = GetDatasetVersionRequest.newBuilder().setDatasetId("pets").setDatasetVersionId("v1")
                .build();
        DatasetVersion ready = waitFor(() -> ok(app.getDatasetVersion(get)).getDatasetVersion(),
                v -> v.getStatus().getCode() == StatusCode.DATASET_VERSION_READY);
        assertThat(ready.getMetricsOrThrow("/").getBoundingBoxesCount().getValue()).isEqualTo(1);

        MultiDatasetVersionExportResponse put = ok(putDatasetVersionExports(key, PutDatasetVersionExportsRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId(OWNER).setAppId("albums")).setDatasetId("pets")
                .setDatasetVersionId("v1").addExports(DatasetVersionExport.newBuilder()
                        .setFormat(DatasetVersionExportFormat.COCO)).build()));
        assertThat(put.getExports(0).getFormat()).isEqualTo(DatasetVersionExportFormat.COCO);
        DatasetVersionExport coco = waitFor(() -> ok(app.getDatasetVersion(get)).getDatasetVersion().getExportInfo()
                .getCoco(), e -> e.getStatus().getCode() == StatusCode.DATASET_VERSION_EXPORT_SUCCESS);
        assertThat(coco.getSize()).isPositive();

        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(coco.getUrl()))
                .header("Authorization", "Key " + key).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.body().length).isEqualTo(coco.getSize());
        String instances = null;
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals("annotations/instances.json")) {
                    instances = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        var json = com.google.gson.JsonParser.parseString(instances).getAsJsonObject();
        var image = json.getAsJsonArray("images").get(0).getAsJsonObject();
        assertThat(image.get("width").getAsInt()).isEqualTo(100);
        assertThat(image.get("height").getAsInt()).isEqualTo(50);
        var bbox = json.getAsJsonArray("annotations").get(0).getAsJsonObject().getAsJsonArray("bbox");
        assertThat(List.of(bbox.get(0).getAsDouble(), bbox.get(1).getAsDouble(), bbox.get(2).getAsDouble(),
                bbox.get(3).getAsDouble())).containsExactly(10.0, 10.0, 40.0, 20.0);
    }

    /** Asks again until the answer passes, for at most a minute. */
    private static <T> T waitFor(java.util.function.Supplier<T> ask, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        T answer = ask.get();
        while (!done.test(answer)) {
            assertThat(System.nanoTime()).as("still waiting: " + answer).isLessThan(deadline);
            Thread.sleep(100);
            answer = ask.get();
        }
        return answer;
    }

    @Test
    void aWrongKeyIsAStatusNotAnException() {
        var response = stub("not-a-key").getTask(GetTaskRequest.newBuilder().setUserAppId(APP_IDS).setTaskId("t").build());
        assertThat(response.getStatus().getCode()).isEqualTo(StatusCode.CONN_KEY_INVALID);
    }

    /** w1 takes the dataset's two inputs, labels and submits them; r1 approves them all. */
    private void labelAndReview(String taskId) {
        V2BlockingStub w1 = stub(token("w1"));
        List<String> inputIds = ok(w1.listNextTaskAssignments(ListNextTaskAssignmentsRequest.newBuilder()
                .setUserAppId(APP_IDS).setTaskId(taskId).build())).getInputsList().stream().map(Input::getId).toList();
        assertThat(inputIds).as("the deprecated LABEL_START").containsExactlyInAnyOrder("in0", "in1");
        List<TaskAssignment> batch = ok(putTaskAssignments(token("w1"), action(taskId,
                PutTaskAssignmentsRequestAction.LABEL_START))).getTaskAssignmentsList();
        assertThat(batch).extracting(a -> a.getInput().getId()).containsExactlyInAnyOrder("in0", "in1");

        PostAnnotationsRequest.Builder annotations = PostAnnotationsRequest.newBuilder().setUserAppId(APP_IDS);
        for (TaskAssignment assignment : batch) {
            annotations.addAnnotations(Annotation.newBuilder().setInputId(assignment.getInput().getId()).setTaskId(taskId)
                    .setData(Data.newBuilder().addConcepts(Concept.newBuilder().setId("cat").setValue(1))));
        }
        ok(w1.postAnnotations(annotations.build()));
        List<TaskAssignment> submitted = ok(putTaskAssignments(token("w1"), action(taskId,
                PutTaskAssignmentsRequestAction.LABEL_SUBMIT).toBuilder()
                .setLabelSubmitConfig(LabelSubmitConfig.newBuilder().addAllTaskAssignments(batch)).build()))
                .getTaskAssignmentsList();
        assertThat(submitted).allSatisfy(a -> assertThat(a.getStatus().getCode())
                .isEqualTo(StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW));

        assertThat(ok(putTaskAssignments(token("r1"), action(taskId, PutTaskAssignmentsRequestAction.REVIEW_START)))
                .getTaskAssignmentsList()).hasSize(2);
        ok(putTaskAssignments(token("r1"), action(taskId, PutTaskAssignmentsRequestAction.REVIEW_APPROVE).toBuilder()
                .setReviewApproveConfig(ReviewApproveConfig.newBuilder()
                        .addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId("w1")))).build()));

        V2BlockingStub owner = stub(token(OWNER));
        GetTaskCountRequest count = GetTaskCountRequest.newBuilder().setUserAppId(APP_IDS).setTaskId(taskId).build();
        TaskStatusCountPerUser inputs = ok(owner.getTaskInputCount(count)).getCounts(0);
        assertThat(inputs.getUserId()).isEqualTo("w1");
        assertThat(inputs.getSuccess()).isEqualTo(2);
        assertThat(ok(owner.getTaskAnnotationCount(count)).getCounts(0).getSuccess()).isEqualTo(2);
        assertThat(ok(owner.listAnnotations(ListAnnotationsRequest.newBuilder().setUserAppId(APP_IDS).setTaskId(taskId)
                .build())).getAnnotationsList()).hasSize(2).allSatisfy(a ->
                assertThat(a.getStatus().getCode()).isEqualTo(StatusCode.ANNOTATION_SUCCESS));
    }

    private static PutTaskAssignmentsRequest action(String taskId, PutTaskAssignmentsRequestAction action) {
        return PutTaskAssignmentsRequest.newBuilder().setUserAppId(APP_IDS).setTaskId(taskId).setAction(action).build();
    }

    private static Task task(String name, TaskWorker worker, TaskInputSource source, TaskReview review) {
        return Task.newBuilder().setType(Task.TaskType.CONCEPTS_CLASSIFICATION).setName(name).setWorker(worker)
                .setInputSource(source).setReview(review)
                .addConcepts(TaskConcept.newBuilder().setConcept(Concept.newBuilder().setId("cat")))
                .addConcepts(TaskConcept.newBuilder().setConcept(Concept.newBuilder().setId("dog"))).build();
    }

    private static TaskWorker fullWorkers(String... userIds) {
        TaskWorker.Builder worker = TaskWorker.newBuilder().setStrategy(TaskWorker.TaskWorkerStrategy.FULL);
        for (String userId : userIds) {
            worker.addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId(userId)));
        }
        return worker.build();
    }

    private static TaskWorker partitioned(TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy type,
                                          int workersPerInput, Struct weights) {
        TaskWorkerPartitionedStrategyInfo.Builder info = TaskWorkerPartitionedStrategyInfo.newBuilder().setType(type)
                .setWorkersPerInput(workersPerInput);
        if (weights != null) {
            info.setWeights(weights);
        }
        return TaskWorker.newBuilder().setStrategy(TaskWorker.TaskWorkerStrategy.PARTITIONED)
                .addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId("w1")))
                .addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId("w2")))
                .setPartitionedStrategyInfo(info).build();
    }

    private static Struct weights() {
        return Struct.newBuilder().putFields("w1", Value.newBuilder().setNumberValue(1).build())
                .putFields("w2", Value.newBuilder().setNumberValue(1).build()).build();
    }

    /** DYNAMIC came after 10.3.3: its users send the number. */
    private static TaskWorker dynamicWorkers() {
        return TaskWorker.newBuilder().setStrategyValue(4).addUserIds("w1").addUserIds("w2").build();
    }

    private static TaskInputSource allInputs() {
        return TaskInputSource.newBuilder().setType(TaskInputSource.TaskInputSourceType.ALL_INPUTS).build();
    }

    private static TaskInputSource datasetSource(String datasetId) {
        return TaskInputSource.newBuilder().setType(TaskInputSource.TaskInputSourceType.DATASET).setId(datasetId).build();
    }

    private static TaskReview noReview() {
        return TaskReview.newBuilder().setStrategy(TaskReview.TaskReviewStrategy.NONE).build();
    }

    private static TaskReview manualReview(String reviewer) {
        return TaskReview.newBuilder().setStrategy(TaskReview.TaskReviewStrategy.MANUAL).addUserIds(reviewer)
                .setManualStrategyInfo(TaskReviewManualStrategyInfo.newBuilder().setSamplePercentage(1)).build();
    }

    private static TaskReview consensusReview() {
        return TaskReview.newBuilder().setStrategy(TaskReview.TaskReviewStrategy.CONSENSUS).addUserIds("r1")
                .setConsensusStrategyInfo(TaskReviewConsensusStrategyInfo.newBuilder().setApprovalThreshold(2)).build();
    }

    /** The response, checked to be a success. */
    protected static <T extends Message> T ok(T response) {
        Status status = (Status) response.getField(response.getDescriptorForType().findFieldByName("status"));
        assertThat(status.getCode()).as(response.toString()).isEqualTo(StatusCode.SUCCESS);
        return response;
    }
}
