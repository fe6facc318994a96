package dev.annotask.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Image;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.MutableClock;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.Origin;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --fetch-urls}: URL inputs are INPUT_DOWNLOAD_PENDING, then stored from their origin
 * (here a web server on 127.0.0.1, the one network the server is allowed beyond the public
 * ones) or INPUT_DOWNLOAD_FAILED saying why: other loopback and private addresses, before and
 * after redirects, too many redirects, content over 20 MB, errors of the origin. One server
 * and one origin per database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class UrlFetchApiTest {
    private static final String OWNER = "owner";
    private static final long MAX = 20L * 1024 * 1024;
    private static final byte[] PNG = TestImages.png(40, 30);

    private static final MutableClock CLOCK = new MutableClock();

    private static RunningServer server;
    private static Origin origin;
    private static String ownerToken;
    private static int apps;

    @Parameter
    SqlDialect dialect;

    private DataFixtures app;

    @BeforeParameterizedClassInvocation
    static void start(SqlDialect dialect) {
        origin = new Origin().serve("/pic.png", PNG).serve("/note.txt", "hello, text".getBytes())
                .status("/missing", 404)
                .zeros("/huge-declared", MAX + 1, true)
                .zeros("/huge-chunked", MAX + 64 * 1024, false);
        origin.redirect("/to-pic", 302, "/pic.png")
                .redirect("/to-other-loopback", 302, "http://127.0.0.2:" + origin.port() + "/pic.png")
                .redirect("/to-metadata", 301, "http://169.254.169.254/latest/meta-data/")
                .redirect("/to-file", 307, "file:///etc/passwd")
                .redirect("/loop", 302, "/loop");
        server = RunningServer.start(dialect, CLOCK,
                config -> config.withMedia(config.media().withFetchUrls(true, List.of("127.0.0.1/32"))));
        ownerToken = new Fixtures(server.client()).createUserWithToken(OWNER);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        origin.close();
    }

    @BeforeEach
    void newApp() {
        app = DataFixtures.newApp(server.client(), OWNER, ownerToken, "fetch" + (++apps));
    }

    @Test
    void aFetchedInputKeepsItsUrlAndIsHostedWithItsSize() {
        var posted = post(Map.of("pic", "image:" + origin.url("/pic.png"), "note", "text:" + origin.url("/note.txt"),
                "moved", "image:" + origin.url("/to-pic")));
        assertThat(posted.message().getInputsList()).allSatisfy(input ->
                assertThat(input.getStatus().getCodeValue()).as("pending at first").isEqualTo(30001));

        Input pic = settled("pic");
        assertThat(pic.getStatus().getCodeValue()).as(pic.getStatus().getDetails()).isEqualTo(30000);
        Image image = pic.getData().getImage();
        assertThat(image.getUrl()).as("a URL input keeps its URL").isEqualTo(origin.url("/pic.png"));
        assertThat(image.getHosted().getSuffix()).isEqualTo("users/" + OWNER + "/apps/" + app.appId() + "/inputs/pic");
        assertThat(image.getImageInfo().getWidth()).isEqualTo(40);
        assertThat(image.getImageInfo().getHeight()).isEqualTo(30);
        assertThat(image.getImageInfo().getFormat()).isEqualTo("PNG");
        String hostedUrl = image.getHosted().getPrefix() + "/orig/" + image.getHosted().getSuffix();
        assertThat(download(hostedUrl).body()).isEqualTo(PNG);

        Input moved = settled("moved");
        assertThat(moved.getStatus().getCodeValue()).as("a redirect within the rules is followed").isEqualTo(30000);
        assertThat(moved.getData().getImage().getImageInfo().getWidth()).isEqualTo(40);

        Input note = settled("note");
        assertThat(note.getStatus().getCodeValue()).isEqualTo(30000);
        assertThat(note.getData().getText().getUrl()).isEqualTo(origin.url("/note.txt"));
        assertThat(note.getData().getText().getTextInfo().getCharCount()).as("counted once fetched").isEqualTo(11);
        assertThat(note.getData().getText().getTextInfo().getEncoding()).isEqualTo("UTF-8");
        String noteUrl = note.getData().getText().getHosted().getPrefix() + "/orig/"
                + note.getData().getText().getHosted().getSuffix();
        assertThat(new String(download(noteUrl).body())).isEqualTo("hello, text");
    }

    @Test
    void addressesOutsideThePublicInternetAreRefusedBeforeAndAfterRedirects() {
        String otherLoopback = "http://127.0.0.2:" + origin.port() + "/pic.png";
        post(Map.of("private", "image:http://10.1.2.3/x.png",
                "metadata", "image:http://169.254.169.254/latest/meta-data/",
                "loopback", "image:" + otherLoopback,
                "v6-loopback", "image:http://[::1]:" + origin.port() + "/pic.png",
                "mapped", "image:http://[::ffff:10.0.0.1]/x.png",
                "via-redirect", "image:" + origin.url("/to-other-loopback"),
                "via-301", "image:" + origin.url("/to-metadata")));
        Map<String, String> refused = Map.of("private", "10.1.2.3", "metadata", "169.254.169.254",
                "loopback", "127.0.0.2", "v6-loopback", "0:0:0:0:0:0:0:1", "mapped", "10.0.0.1",
                "via-redirect", "127.0.0.2", "via-301", "169.254.169.254");
        refused.forEach((id, address) -> {
            Input input = settled(id);
            assertThat(input.getStatus().getCodeValue()).as(id).isEqualTo(30002);
            assertThat(input.getStatus().getDetails()).as(id).contains(address)
                    .contains("the server fetches only from public addresses");
            assertThat(input.getData().getImage().hasHosted()).as(id).isFalse();
        });
        var failed = app.call("GET", "/v2/inputs?status.code=30002", null, MultiInputResponse.getDefaultInstance());
        assertThat(failed.message().getInputsList()).extracting(Input::getId)
                .containsExactlyInAnyOrderElementsOf(refused.keySet());
    }

    @Test
    void oversizeContentAndFailingOriginsFailTheInputSayingWhy() {
        post(Map.of("declared", "image:" + origin.url("/huge-declared"),
                "chunked", "video:" + origin.url("/huge-chunked"),
                "missing", "image:" + origin.url("/missing"),
                "loop", "image:" + origin.url("/loop"),
                "file", "audio:" + origin.url("/to-file")));
        assertFailed("declared", "the origin's content is " + (MAX + 1) + " bytes; an input may hold at most " + MAX);
        assertFailed("chunked", "more than " + MAX + " bytes");
        assertFailed("missing", "the origin answered HTTP 404");
        assertFailed("loop", "more than 5 redirects");
        assertFailed("file", "only http and https URLs are fetched");
    }

    @Test
    void anInputClaimedByANodeThatDiedIsFetchedOnceTheClaimRunsOut() {
        post(Map.of("orphan", "image:" + origin.url("/pic.png")));
        assertThat(settled("orphan").getStatus().getCodeValue()).isEqualTo(30000);
        // As a node leaves it when it dies mid-fetch: pending, no bytes, claimed for ten minutes.
        long leaseEnd = CLOCK.millis() + Duration.ofMinutes(10).toMillis();
        server.server().database().jdbi().useHandle(handle -> {
            handle.createUpdate("DELETE FROM input_bytes WHERE input_id = 'orphan'").execute();
            handle.createUpdate("UPDATE inputs SET status = 30001, byte_size = 0, image_format = NULL,"
                    + " fetch_lease = :lease WHERE id = 'orphan'").bind("lease", leaseEnd).execute();
        });

        // The fetcher takes the oldest input it may: a newer one fetched means it passed the orphan over.
        post(Map.of("newer", "image:" + origin.url("/pic.png")));
        assertThat(settled("newer").getStatus().getCodeValue()).isEqualTo(30000);
        assertThat(app.getInput("orphan").getStatus().getCodeValue()).as("claimed by someone else").isEqualTo(30001);

        CLOCK.advance(Duration.ofMinutes(11));
        post(Map.of("wake-up", "image:" + origin.url("/pic.png")));
        Input orphan = settled("orphan");
        assertThat(orphan.getStatus().getCodeValue()).isEqualTo(30000);
        assertThat(orphan.getData().getImage().getImageInfo().getWidth()).isEqualTo(40);
    }

    private void assertFailed(String id, String why) {
        Input input = settled(id);
        assertThat(input.getStatus().getCodeValue()).as(id).isEqualTo(30002);
        assertThat(input.getStatus().getDescription()).as(id).isNotEmpty();
        assertThat(input.getStatus().getDetails()).as(id).contains(why);
    }

    /** Posts inputs by id: {@code "kind:url"}. */
    private dev.annotask.testing.ApiClient.Reply<MultiInputResponse> post(Map<String, String> inputs) {
        String json = inputs.entrySet().stream().map(e -> {
            String[] kindAndUrl = e.getValue().split(":", 2);
            return "{\"id\":\"" + e.getKey() + "\",\"data\":{\"" + kindAndUrl[0] + "\":{\"url\":\"" + kindAndUrl[1] + "\"}}}";
        }).collect(Collectors.joining(",", "{\"inputs\":[", "]}"));
        var reply = app.call("POST", "/v2/inputs", json, MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply;
    }

    /** The input once it is no longer pending (a bounded wait for the background fetch). */
    private Input settled(String id) {
        for (int attempt = 0; attempt < 1200; attempt++) {
            Input input = app.getInput(id);
            if (input.getStatus().getCodeValue() != 30001) {
                return input;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("input " + id + " is still pending");
    }

    private HttpResponse<byte[]> download(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Key " + app.appKey()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
