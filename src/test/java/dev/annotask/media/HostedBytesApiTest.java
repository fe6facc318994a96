package dev.annotask.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.Image;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes uploaded with PostInputs come back as Clarifai serves them: {@code url} and
 * {@code hosted} naming this server, {@code image_info} read from the header; the URL gives
 * the same bytes to the same keys GetInput answers, and a Clarifai-style refusal to anyone
 * else. On the JVM's shared system-clock world of each database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class HostedBytesApiTest {
    private static final String OWNER = "owner";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("hosted");
    }

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("PNG", TestImages.png(64, 48), 64, 48),
                Arguments.of("JPEG", TestImages.jpeg(33, 200), 33, 200),
                Arguments.of("GIF", TestImages.gif(5, 7), 5, 7),
                Arguments.of("WEBP", TestImages.webpLossless(1024, 768), 1024, 768),
                Arguments.of("BMP", TestImages.bmp(9, 3), 9, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void uploadedBytesComeBackHostedWithTheirSizeAndTheUrlGivesThemBack(String format, byte[] bytes, int width,
                                                                       int height) {
        var posted = post("{\"inputs\":[" + imageBytes("pic", bytes) + "]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        assertHosted(posted.message().getInputs(0).getData().getImage(), "pic", width, height, format);

        Input got = app.getInput("pic");
        Image image = got.getData().getImage();
        assertHosted(image, "pic", width, height, format);
        assertThat(image.getBase64().isEmpty()).as("bytes are never echoed").isTrue();
        var listed = app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance());
        assertHosted(listed.message().getInputs(0).getData().getImage(), "pic", width, height, format);

        HttpResponse<byte[]> download = download(image.getUrl(), "Key " + app.appKey());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("Content-Type")).contains("image/" + format.toLowerCase());
        assertThat(download.headers().firstValue("Cache-Control")).contains("private, no-store");
        // The owner's personal access token reads it too: the URL names the user and app.
        assertThat(download(image.getUrl(), "Key " + world.ownerToken()).body()).isEqualTo(bytes);
    }

    private void assertHosted(Image image, String inputId, int width, int height, String format) {
        String prefix = "http://127.0.0.1:" + world.server().server().httpPort() + "/v2/hosted";
        String suffix = "users/" + OWNER + "/apps/" + app.appId() + "/inputs/" + inputId;
        assertThat(image.getHosted().getPrefix()).isEqualTo(prefix);
        assertThat(image.getHosted().getSuffix()).isEqualTo(suffix);
        assertThat(image.getHosted().getSizesList()).containsExactly("orig");
        assertThat(image.getHosted().getCrossorigin()).isEqualTo("use-credentials");
        assertThat(image.getUrl()).isEqualTo(prefix + "/orig/" + suffix);
        assertThat(image.getImageInfo().getWidth()).isEqualTo(width);
        assertThat(image.getImageInfo().getHeight()).isEqualTo(height);
        assertThat(image.getImageInfo().getFormat()).isEqualTo(format);
    }

    @Test
    void theHostedUrlRefusesWhoeverGetInputRefuses() {
        post("{\"inputs\":[" + imageBytes("pic", TestImages.png(2, 2)) + "]}");
        String url = app.getInput("pic").getData().getImage().getUrl();
        DataFixtures otherApp = world.newBareApp("other");
        String keyWithoutInputs = new Fixtures(world.client()).createAppKey(world.ownerToken(), app.appId(),
                "[\"Apps:Get\"]");

        assertRefused(download(url, null), 11102, 400);
        assertRefused(download(url, "Key " + otherApp.appKey()), 11008, 401);
        assertRefused(download(url, "Key " + world.token("stranger")), 11008, 401);
        assertRefused(download(url, "Key not-a-key-at-all"), 11008, 401);
        assertRefused(download(url, "Bearer " + app.appKey()), 11102, 400);
        assertRefused(download(url, "Key " + keyWithoutInputs), 11007, 403);
        // The other app's key cannot reach this app's bytes by its own path either.
        assertRefused(download(url.replace("/apps/" + app.appId() + "/", "/apps/" + otherApp.appId() + "/"),
                "Key " + otherApp.appKey()), 30102, 404);
        assertRefused(download(url.replace("/orig/", "/small/"), "Key " + app.appKey()), 11101, 404);
        assertRefused(download(url.replace("/inputs/pic", "/inputs/" + "x".repeat(300)), "Key " + app.appKey()),
                11102, 400);
    }

    @Test
    void otherVerbsOnTheHostedUrlAreRefusedAsOnAnyApiPath() throws Exception {
        post("{\"inputs\":[" + imageBytes("pic", TestImages.png(2, 2)) + "]}");
        String url = app.getInput("pic").getData().getImage().getUrl();
        for (String verb : List.of("HEAD", "OPTIONS")) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .method(verb, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Key " + app.appKey())
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(verb).isEqualTo(405);
        }
        HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Authorization", "Key " + app.appKey())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(404); // a path no RPC has: 11101
        assertThat(new String(post.body())).contains("11101");
    }

    @Test
    void inputsWithoutStoredBytesHaveNoHostedUrl() {
        var posted = post("{\"inputs\":[{\"id\":\"linked\",\"data\":{\"image\":{\"url\":\"https://example.com/a.jpg\"}}},"
                + "{\"id\":\"note\",\"data\":{\"text\":{\"raw\":\"hello\"}}}]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        Image linked = app.getInput("linked").getData().getImage();
        assertThat(linked.getUrl()).isEqualTo("https://example.com/a.jpg");
        assertThat(linked.hasHosted()).isFalse();
        assertThat(linked.hasImageInfo()).isFalse();
        assertThat(app.getInput("note").getData().getText().hasHosted()).isFalse();

        String hostedPath = "/v2/hosted/orig/users/" + OWNER + "/apps/" + app.appId() + "/inputs/";
        String base = "http://127.0.0.1:" + world.server().server().httpPort();
        assertRefused(download(base + hostedPath + "linked", "Key " + app.appKey()), 30102, 404);
        assertRefused(download(base + hostedPath + "missing", "Key " + app.appKey()), 30102, 404);
        post("{\"inputs\":[" + imageBytes("gone", TestImages.png(1, 1)) + "]}");
        String url = app.getInput("gone").getData().getImage().getUrl();
        app.call("DELETE", "/v2/inputs/gone", null, BaseResponse.getDefaultInstance());
        assertRefused(download(url, "Key " + app.appKey()), 30102, 404);
    }

    @Test
    void bytesThatAreNoImageWeReadAreKeptAndHostedWithoutASize() {
        byte[] garbage = "not an image at all".getBytes();
        byte[] truncated = java.util.Arrays.copyOf(TestImages.png(10, 10), 20);
        byte[] video = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 1, 2, 3, 4};
        var posted = post("{\"inputs\":[" + imageBytes("garbage", garbage) + "," + imageBytes("cut", truncated)
                + ",{\"id\":\"clip\",\"data\":{\"video\":{\"base64\":\"" + Base64.getEncoder().encodeToString(video)
                + "\"}}}]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        for (String id : List.of("garbage", "cut")) {
            Image image = app.getInput(id).getData().getImage();
            assertThat(image.hasImageInfo()).as(id).isFalse();
            assertThat(image.getHosted().getSizesList()).as(id).containsExactly("orig");
        }
        assertThat(download(app.getInput("garbage").getData().getImage().getUrl(), "Key " + app.appKey()).body())
                .isEqualTo(garbage);
        var clip = app.getInput("clip").getData().getVideo();
        assertThat(clip.getUrl()).endsWith("/inputs/clip");
        assertThat(download(clip.getUrl(), "Key " + app.appKey()).body()).isEqualTo(video);
    }

    @Test
    void whatOnlyTheServerSaysCannotBePostedByAClient() {
        var posted = post("{\"inputs\":[{\"id\":\"liar\",\"data\":{\"image\":{\"url\":\"https://example.com/a.png\","
                + "\"hosted\":{\"prefix\":\"https://evil.example\",\"suffix\":\"x\",\"sizes\":[\"orig\"]},"
                + "\"image_info\":{\"width\":1,\"height\":1,\"format\":\"PNG\"}}}}]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        Image image = app.getInput("liar").getData().getImage();
        assertThat(image.hasHosted()).isFalse();
        assertThat(image.hasImageInfo()).isFalse();
    }

    @Test
    void labelersGetTheHostedUrlWithTheirWork() {
        app.postConcepts("cat");
        byte[] jpeg = TestImages.jpeg(20, 10);
        post("{\"inputs\":[" + imageBytes("pic", jpeg) + "]}");
        String taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\","
                + "\"user_ids\":[\"" + OWNER + "\"]},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}").getId();
        var work = world.client().send("GET", app.longPath() + "/tasks/" + taskId + "/assignments", world.ownerToken(),
                null, MultiInputResponse.getDefaultInstance());
        assertThat(work.code()).as(work.body()).isEqualTo(10000);
        Image image = work.message().getInputs(0).getData().getImage();
        assertThat(image.getImageInfo().getWidth()).isEqualTo(20);
        assertThat(download(image.getUrl(), "Key " + world.ownerToken()).body()).isEqualTo(jpeg);
    }

    private ApiClient.Reply<MultiInputResponse> post(String json) {
        return app.call("POST", "/v2/inputs", json, MultiInputResponse.getDefaultInstance());
    }

    private static String imageBytes(String id, byte[] bytes) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(bytes)
                + "\"}}}";
    }

    static HttpResponse<byte[]> download(String url, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A Clarifai-style status body with this code and HTTP code, and nothing of the bytes. */
    static void assertRefused(HttpResponse<byte[]> response, int code, int httpStatus) {
        String body = new String(response.body());
        assertThat(response.statusCode()).as(body).isEqualTo(httpStatus);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        SingleInputResponse.Builder parsed = SingleInputResponse.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(body, parsed);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("no status body: " + body, e);
        }
        assertThat(parsed.getStatus().getCodeValue()).as(body).isEqualTo(code);
        assertThat(parsed.getStatus().getReqId()).hasSize(32);
        assertThat(parsed.hasInput()).isFalse();
    }
}
