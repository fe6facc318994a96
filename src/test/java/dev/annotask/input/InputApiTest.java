package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleInputCountResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs through the REST API: PostInputs (kinds of data, generated ids, validation, the
 * 20 MB limit, id conflicts), ListInputs, GetInput, PatchInputs on metadata, DeleteInput(s)
 * and GetInputCount. One server per database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class InputApiTest {
    private static final String OWNER = "owner";
    private static final String IMAGE_URL = "https://samples.clarifai.com/metro-north.jpg";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("inputs");
    }

    private ApiClient.Reply<MultiInputResponse> post(String json) {
        return app.call("POST", "/v2/inputs", json, MultiInputResponse.getDefaultInstance());
    }

    private ApiClient.Reply<SingleInputResponse> get(String inputId) {
        return app.call("GET", "/v2/inputs/" + inputId, null, SingleInputResponse.getDefaultInstance());
    }

    private ApiClient.Reply<MultiInputResponse> patch(String action, String json) {
        return app.call("PATCH", "/v2/inputs", "{\"action\":\"" + action + "\",\"inputs\":[" + json + "]}",
                MultiInputResponse.getDefaultInstance());
    }

    private static Struct struct(String json) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(json, struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(json, e);
        }
        return struct.build();
    }

    private static String base64Image(int bytes) {
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            data[i] = (byte) i;
        }
        return "{\"inputs\":[{\"id\":\"big\",\"data\":{\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(data) + "\"}}}]}";
    }

    @Test
    void inputsOfEveryKindAreAcceptedWithInputSuccessAndGeneratedIds() {
        var reply = post("""
                {"inputs":[
                  {"id":"image-url","data":{"image":{"url":"https://samples.clarifai.com/metro-north.jpg"}}},
                  {"id":"image-bytes","data":{"image":{"base64":"iVBORw0KGgo="}}},
                  {"id":"video-url","data":{"video":{"url":"https://samples.clarifai.com/beer.mp4"}}},
                  {"id":"audio-bytes","data":{"audio":{"base64":"AAECAwQ="}}},
                  {"id":"text-raw","data":{"text":{"raw":"a cat on a mat"}}},
                  {"id":"text-url","data":{"text":{"url":"https://samples.clarifai.com/text.txt"}}},
                  {"data":{"text":{"raw":"no id given"}}}
                ]}""");

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.httpStatus()).isEqualTo(200);
        List<Input> inputs = reply.message().getInputsList();
        assertThat(inputs).extracting(Input::getId).startsWith("image-url", "image-bytes", "video-url",
                "audio-bytes", "text-raw", "text-url").hasSize(7);
        assertThat(inputs.get(6).getId()).matches(DataFixtures.GENERATED_ID);
        assertThat(inputs).allSatisfy(input -> assertThat(input.getStatus().getCodeValue()).as("INPUT_SUCCESS")
                .isEqualTo(30000));

        assertThat(app.getInput("image-url").getData().getImage().getUrl()).isEqualTo(IMAGE_URL);
        assertThat(app.getInput("image-bytes").getData().hasImage()).isTrue();
        assertThat(app.getInput("video-url").getData().getVideo().getUrl())
                .isEqualTo("https://samples.clarifai.com/beer.mp4");
        assertThat(app.getInput("audio-bytes").getData().hasAudio()).isTrue();
        assertThat(app.getInput("text-raw").getData().getText().getRaw()).isEqualTo("a cat on a mat");
        assertThat(app.getInput("text-url").getData().getText().getUrl())
                .isEqualTo("https://samples.clarifai.com/text.txt");
        Input generated = app.getInput(inputs.get(6).getId());
        assertThat(generated.getData().getText().getRaw()).isEqualTo("no id given");
        assertThat(generated.getStatus().getCodeValue()).isEqualTo(30000);
    }

    @Test
    void metadataIsKept() {
        String metadata = "{\"source\":\"camera 2\",\"n\":3,\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":true,\"none\":null}}";
        var reply = post("{\"inputs\":[{\"id\":\"m\",\"data\":{\"image\":{\"url\":\"" + IMAGE_URL + "\"},\"metadata\":"
                + metadata + "}}]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getInputs(0).getData().getMetadata()).isEqualTo(struct(metadata));
        assertThat(app.getInput("m").getData().getMetadata()).isEqualTo(struct(metadata));
    }

    /** An invalid input: the request, and the index {@code details} must name. */
    record InvalidInput(String name, String inputs, int index) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<InvalidInput> invalidInputs() {
        String ok = DataFixtures.textInput("ok");
        String image = "\"image\":{\"url\":\"" + IMAGE_URL + "\"}";
        return Stream.of(
                new InvalidInput("no data, after a valid input", ok + ",{\"id\":\"x\"}", 1),
                new InvalidInput("empty data", "{\"data\":{}}", 0),
                new InvalidInput("metadata only", "{\"data\":{\"metadata\":{\"a\":1}}}", 0),
                new InvalidInput("image and text", "{\"data\":{" + image + ",\"text\":{\"raw\":\"hi\"}}}", 0),
                new InvalidInput("image and video, third input", ok + "," + DataFixtures.textInput("ok2")
                        + ",{\"data\":{" + image + ",\"video\":{\"url\":\"https://example.com/v.mp4\"}}}", 2),
                new InvalidInput("image with neither url nor base64", "{\"data\":{\"image\":{}}}", 0),
                new InvalidInput("text with neither raw nor url", "{\"data\":{\"text\":{}}}", 0),
                new InvalidInput("malformed id", "{\"id\":\"not ok!\",\"data\":{" + image + "}}", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void invalidInputIsRefusedAndNothingIsWritten(InvalidInput invalid) {
        var reply = post("{\"inputs\":[" + invalid.inputs() + "]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(30104);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).contains("inputs[" + invalid.index() + "]");
        assertThat(reply.body()).contains("\"inputs\":[]");
        assertThat(app.inputIds("")).as("nothing written").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notWebUrls")
    void onlyHttpAndHttpsUrlsAreTaken(String url) {
        var reply = post("{\"inputs\":[{\"id\":\"u\",\"data\":{\"image\":{\"url\":\"" + url + "\"}}}]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(30106);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).contains("inputs[0].data.image.url");
        assertThat(app.inputIds("")).as("nothing written").isEmpty();
    }

    static Stream<String> notWebUrls() {
        return Stream.of("file:///etc/passwd", "javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://example.com/a.jpg",
                "https:///no-host.jpg", "//example.com/relative.jpg", "example.com/a.jpg", "http://exa mple.com/a.jpg");
    }

    @Test
    void httpAndHttpsUrlsOfAnyCaseAreTaken() {
        var reply = post("{\"inputs\":[{\"id\":\"a\",\"data\":{\"image\":{\"url\":\"HTTPS://example.com/a.jpg\"}}},"
                + "{\"id\":\"b\",\"data\":{\"text\":{\"url\":\"http://127.0.0.1:8080/b.txt?x=1#y\"}}}]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    @Test
    void base64OverTwentyMegabytesIsOverTheLimitAndTwoMegabytesAreFine() {
        var tooBig = post(base64Image(20 * 1024 * 1024 + 1024));
        assertThat(tooBig.code()).as(tooBig.status().toString()).isEqualTo(30105);
        assertThat(tooBig.httpStatus()).isEqualTo(413);
        assertThat(app.inputIds("")).isEmpty();

        var fine = post(base64Image(2 * 1024 * 1024));
        assertThat(fine.code()).as(fine.status().toString()).isEqualTo(10000);
        assertThat(fine.message().getInputs(0).getStatus().getCodeValue()).isEqualTo(30000);
        assertThat(app.inputIds("")).containsExactly("big");
    }

    @Test
    void takenIdIsDuplicateKeyAndWritesNothing() {
        app.postTextInputs("i1");

        var reply = post("{\"inputs\":[" + DataFixtures.textInput("i2") + "," + DataFixtures.textInput("i1") + "]}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(40010);
        assertThat(reply.httpStatus()).isEqualTo(409);
        assertThat(get("i2").code()).as("i2 must not have been created").isEqualTo(30102);
        assertThat(app.inputIds("")).containsExactly("i1");
    }

    @Test
    void skipKeepsTheExistingInput() {
        app.postTextInputs("i1");

        var reply = post("{\"input_id_conflict_resolution\":\"SKIP\",\"inputs\":["
                + "{\"id\":\"i1\",\"data\":{\"text\":{\"raw\":\"second\"}}}," + DataFixtures.textInput("i2") + "]}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(app.getInput("i1").getData().getText().getRaw()).isEqualTo("text of i1");
        assertThat(app.getInput("i2").getData().getText().getRaw()).isEqualTo("text of i2");
        assertThat(app.inputIds("")).containsExactly("i1", "i2");
    }

    @Test
    void suffixGivesTheNewInputAnIdDerivedFromTheGivenOne() {
        app.postTextInputs("i1");

        var reply = post("{\"input_id_conflict_resolution\":\"SUFFIX\",\"inputs\":["
                + "{\"id\":\"i1\",\"data\":{\"text\":{\"raw\":\"second\"}}}]}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        String newId = reply.message().getInputs(0).getId();
        assertThat(newId).startsWith("i1").isNotEqualTo("i1");
        assertThat(app.getInput(newId).getData().getText().getRaw()).isEqualTo("second");
        assertThat(app.getInput("i1").getData().getText().getRaw()).isEqualTo("text of i1");
        assertThat(app.inputIds("")).containsExactly("i1", newId);
    }

    @Test
    void moreThan128InputsAreRefused() {
        String inputs = IntStream.range(0, 129).mapToObj(i -> DataFixtures.textInput("in" + i))
                .collect(Collectors.joining(","));
        var reply = post("{\"inputs\":[" + inputs + "]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(11102);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).contains("inputs");
        assertThat(app.inputIds("")).isEmpty();
    }

    @Test
    void listInputsOldestFirstWithPagesIdsAndStatus() {
        for (String id : new String[] {"a", "b", "c"}) {
            app.postTextInputs(id);
        }

        assertThat(app.inputIds("")).containsExactly("a", "b", "c");
        assertThat(app.inputIds("?per_page=2")).containsExactly("a", "b");
        assertThat(app.inputIds("?per_page=2&page=2")).containsExactly("c");
        var past = app.call("GET", "/v2/inputs?per_page=2&page=3", null, MultiInputResponse.getDefaultInstance());
        assertThat(past.code()).isEqualTo(10000);
        assertThat(past.body()).contains("\"inputs\":[]");
        assertThat(app.inputIds("?per_page=5000")).as("capped, not refused").containsExactly("a", "b", "c");
        assertThat(app.inputIds("?ids=c&ids=a")).containsExactly("a", "c");
        assertThat(app.inputIds("?status.code=30000")).containsExactly("a", "b", "c");
        assertThat(app.inputIds("?status.code=30002")).as("no input failed").isEmpty();
    }

    @Test
    void listInputsPagesBy128ByDefault() {
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            first.add(String.format("x%03d", i));
        }
        app.postTextInputs(first.toArray(String[]::new));
        app.postTextInputs("y1", "y2");

        assertThat(app.inputIds("")).hasSize(128).containsExactlyInAnyOrderElementsOf(first);
        assertThat(app.inputIds("?page=2")).containsExactlyInAnyOrder("y1", "y2");
    }

    @Test
    void getOfAMissingInputIsInputDoesNotExist() {
        var reply = get("nope");
        assertThat(reply.code()).isEqualTo(30102);
        assertThat(reply.httpStatus()).isEqualTo(404);
    }

    @Test
    void patchMergesOverwritesAndRemovesMetadata() {
        var created = post("{\"inputs\":[{\"id\":\"p\",\"data\":{\"text\":{\"raw\":\"hello\"},"
                + "\"metadata\":{\"a\":1,\"b\":2,\"nested\":{\"x\":1,\"y\":2}}}}]}");
        assertThat(created.code()).as(created.body()).isEqualTo(10000);

        var merged = patch("merge", "{\"id\":\"p\",\"data\":{\"metadata\":{\"c\":3,\"nested\":{\"y\":20,\"z\":30}}}}");
        assertThat(merged.code()).as(merged.body()).isEqualTo(10000);
        Struct afterMerge = struct("{\"a\":1,\"b\":2,\"c\":3,\"nested\":{\"x\":1,\"y\":20,\"z\":30}}");
        assertThat(merged.message().getInputs(0).getData().getMetadata()).isEqualTo(afterMerge);
        assertThat(app.getInput("p").getData().getMetadata()).isEqualTo(afterMerge);

        var removed = patch("remove", "{\"id\":\"p\",\"data\":{\"metadata\":{\"b\":true,\"c\":true}}}");
        assertThat(removed.code()).as(removed.body()).isEqualTo(10000);
        assertThat(app.getInput("p").getData().getMetadata())
                .isEqualTo(struct("{\"a\":1,\"nested\":{\"x\":1,\"y\":20,\"z\":30}}"));

        var overwritten = patch("overwrite", "{\"id\":\"p\",\"data\":{\"metadata\":{\"only\":\"this\"}}}");
        assertThat(overwritten.code()).as(overwritten.body()).isEqualTo(10000);
        Input after = app.getInput("p");
        assertThat(after.getData().getMetadata()).isEqualTo(struct("{\"only\":\"this\"}"));
        assertThat(after.getData().getText().getRaw()).as("the media is not metadata").isEqualTo("hello");
    }

    @Test
    void patchOfAMissingInputIsInputDoesNotExist() {
        var reply = patch("merge", "{\"id\":\"nope\",\"data\":{\"metadata\":{\"a\":1}}}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(30102);
        assertThat(reply.httpStatus()).isEqualTo(404);
        assertThat(app.inputIds("")).isEmpty();
    }

    @Test
    void deleteInputAndDeleteInputsAreAllOrNothing() {
        app.postTextInputs("a", "b", "c", "d");

        var one = app.call("DELETE", "/v2/inputs/a", null, BaseResponse.getDefaultInstance());
        assertThat(one.code()).as(one.body()).isEqualTo(10000);
        assertThat(get("a").code()).isEqualTo(30102);
        var again = app.call("DELETE", "/v2/inputs/a", null, BaseResponse.getDefaultInstance());
        assertThat(again.code()).isEqualTo(30102);
        assertThat(again.httpStatus()).isEqualTo(404);

        var withMissing = app.call("DELETE", "/v2/inputs", "{\"ids\":[\"b\",\"nope\"]}", BaseResponse.getDefaultInstance());
        assertThat(withMissing.code()).as(withMissing.body()).isEqualTo(30102);
        assertThat(withMissing.httpStatus()).isEqualTo(404);
        assertThat(app.inputIds("")).as("nothing deleted").containsExactlyInAnyOrder("b", "c", "d");

        var two = app.call("DELETE", "/v2/inputs", "{\"ids\":[\"b\",\"c\"]}", BaseResponse.getDefaultInstance());
        assertThat(two.code()).as(two.body()).isEqualTo(10000);
        assertThat(app.inputIds("")).containsExactly("d");
    }

    @Test
    void inputCountCountsTheInputsAsProcessedWithEveryCounterPrinted() {
        var empty = app.call("GET", "/v2/inputs/status", null, SingleInputCountResponse.getDefaultInstance());
        assertThat(empty.code()).as(empty.body()).isEqualTo(10000);
        assertThat(empty.body()).contains("\"processed\":0");

        app.postTextInputs("a", "b", "c");
        var reply = app.call("GET", "/v2/inputs/status", null, SingleInputCountResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getCounts().getProcessed()).isEqualTo(3);
        for (String counter : new String[] {"to_process", "errors", "processing", "reindexed", "to_reindex",
                "reindex_errors", "reindexing"}) {
            assertThat(reply.body()).contains("\"" + counter + "\":0");
        }
    }

    @Test
    void inputsBelongToTheirAppAndTheLongPathReachesThem() {
        var viaLongPath = world.client().send("POST", app.longPath() + "/inputs", world.ownerToken(),
                "{\"inputs\":[" + DataFixtures.textInput("a") + "]}", MultiInputResponse.getDefaultInstance());
        assertThat(viaLongPath.code()).as(viaLongPath.body()).isEqualTo(10000);
        assertThat(world.client().send("GET", app.longPath() + "/inputs/a", world.ownerToken(), null,
                SingleInputResponse.getDefaultInstance()).message().getInput().getId()).isEqualTo("a");

        DataFixtures other = world.newBareApp("inputs");
        assertThat(other.call("GET", "/v2/inputs/a", null, SingleInputResponse.getDefaultInstance()).code())
                .isEqualTo(30102);
        assertThat(other.inputIds("")).isEmpty();
        assertThat(other.call("DELETE", "/v2/inputs/a", null, BaseResponse.getDefaultInstance()).code())
                .isEqualTo(30102);
        assertThat(app.inputIds("")).containsExactly("a");
    }
}
