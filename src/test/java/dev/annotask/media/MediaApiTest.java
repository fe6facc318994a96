package dev.annotask.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.media.MultiMediaUrlResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.MutableClock;
import dev.annotask.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed media URLs: who may get one, and that only an intact, unexpired one loads the bytes. */
class MediaApiTest {
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static final MutableClock CLOCK = new MutableClock();
    private static RunningServer server;
    private static ApiClient api;
    private static DataFixtures pets;
    private static DataFixtures other;
    private static String aliceToken;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE, CLOCK);
        api = server.client();
        Fixtures fixtures = new Fixtures(api);
        String ownerToken = fixtures.createUserWithToken("owner");
        aliceToken = fixtures.createUserWithToken("alice");
        pets = DataFixtures.newApp(api, "owner", ownerToken, "pets");
        other = DataFixtures.newApp(api, "owner", ownerToken, "other");
        var posted = pets.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"photo\",\"data\":{\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(PNG) + "\"}}},{\"id\":\"linked\",\"data\":{\"image\":{\"url\":"
                + "\"https://example.com/a.jpg\"}}}]}", MultiInputResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient.Reply<MultiMediaUrlResponse> urls(DataFixtures app, String query) {
        return app.call("GET", "/v2/media_urls?" + query, null, MultiMediaUrlResponse.getDefaultInstance());
    }

    private static String signedUrl() {
        var reply = urls(pets, "input_ids=photo");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getMediaUrls(0).getUrl();
    }

    private static HttpResponse<byte[]> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSignedUrlLoadsTheStoredBytesWithTheirTypeAndNoKey() {
        var reply = urls(pets, "input_ids=photo&input_ids=linked");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        // Only inputs with stored bytes get one: a linked input's own URL is public already.
        assertThat(reply.message().getMediaUrlsList()).singleElement().satisfies(url -> {
            assertThat(url.getInputId()).isEqualTo("photo");
            assertThat(url.getUrl()).matches("/media/[^/]+/photo\\?exp=\\d+&sig=[A-Za-z0-9_-]+");
            assertThat(url.getExpiresAt().getSeconds() - CLOCK.instant().getEpochSecond()).isEqualTo(600);
        });
        HttpResponse<byte[]> media = get(reply.message().getMediaUrls(0).getUrl());
        assertThat(media.statusCode()).isEqualTo(200);
        assertThat(media.body()).isEqualTo(PNG);
        assertThat(media.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(media.headers().firstValue("Cache-Control").orElseThrow()).startsWith("private, max-age=");
        assertThat(media.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void unsignedTamperedAndExpiredUrlsAreRefusedWithoutSayingWhy() {
        String url = signedUrl();
        String path = url.substring(0, url.indexOf('?'));
        assertThat(get(path).statusCode()).isEqualTo(400);
        assertThat(get(path + "?exp=abc&sig=x").statusCode()).isEqualTo(400);
        HttpResponse<byte[]> tampered = get(url.substring(0, url.length() - 2) + (url.endsWith("AA") ? "BB" : "AA"));
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(new String(tampered.body())).isEqualTo("forbidden\n");
        // The same signature on another input, or with a later expiry, is not valid either.
        assertThat(get(url.replace("/photo?", "/linked?")).statusCode()).isEqualTo(403);
        String exp = url.replaceAll(".*exp=(\\d+).*", "$1");
        assertThat(get(url.replace("exp=" + exp, "exp=" + (Long.parseLong(exp) + 3600))).statusCode()).isEqualTo(403);
        CLOCK.advance(MediaUrlSigner.LIFETIME.plus(Duration.ofSeconds(1)));
        assertThat(get(url).statusCode()).isEqualTo(403);
    }

    @Test
    void aKeyOfAnotherAppOrUserGetsNoUrl() {
        // An app key only reaches its own app: the input is not there.
        assertThat(urls(other, "input_ids=photo").code()).isEqualTo(30102);
        // A user who is no collaborator cannot name the app.
        var stranger = api.send("GET", pets.longPath() + "/media_urls?input_ids=photo", aliceToken, null,
                MultiMediaUrlResponse.getDefaultInstance());
        assertThat(stranger.code()).isEqualTo(11008);
        assertThat(stranger.body()).doesNotContain("/media/");
        var anonymous = api.send("GET", "/v2/media_urls?input_ids=photo", null, null,
                MultiMediaUrlResponse.getDefaultInstance());
        assertThat(anonymous.code()).isEqualTo(11102);
    }

    @Test
    void badRequestsGetClearStatuses() {
        assertThat(urls(pets, "").code()).isEqualTo(11102);
        var missing = urls(pets, "input_ids=photo&input_ids=nope");
        assertThat(missing.code()).isEqualTo(30102);
        assertThat(missing.message().getStatus().getDetails()).contains("nope");
    }

    @Test
    void urlsStayValidAcrossARestartBecauseTheKeyIsInTheDatabase() {
        try (RunningServer own = RunningServer.start(SqlDialect.SQLITE, CLOCK)) {
            Fixtures fixtures = new Fixtures(own.client());
            DataFixtures app = DataFixtures.newApp(own.client(), "owner", fixtures.createUserWithToken("owner"), "a");
            app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"photo\",\"data\":{\"image\":{\"base64\":\""
                    + Base64.getEncoder().encodeToString(PNG) + "\"}}}]}", MultiInputResponse.getDefaultInstance());
            String url = urls(app, "input_ids=photo").message().getMediaUrls(0).getUrl();
            own.restart();
            assertThat(own.client().raw(url).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aDeletedInputIsGoneEvenWithAValidUrl() {
        var posted = pets.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"gone\",\"data\":{\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(PNG) + "\"}}}]}", MultiInputResponse.getDefaultInstance());
        assertThat(posted.code()).isEqualTo(10000);
        String url = urls(pets, "input_ids=gone").message().getMediaUrls(0).getUrl();
        pets.call("DELETE", "/v2/inputs/gone", null, MultiInputResponse.getDefaultInstance());
        assertThat(get(url).statusCode()).isEqualTo(404);
    }
}
