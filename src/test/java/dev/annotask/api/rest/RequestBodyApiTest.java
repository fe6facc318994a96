package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.api.TransportLimits;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.media.MultiMediaUrlResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request bodies as the REST intake takes them: refused unread when too large or sent without
 * a known key, read as they arrive up to the request size limit, base64 images decoded on the
 * way exactly as JsonFormat would decode them, and stored byte for byte.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class RequestBodyApiTest {
    private static LabelingWorld world;
    private static DataFixtures pets;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void newApp(SqlDialect dialect) {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        pets = world.newBareApp("pets");
    }

    private static int port() {
        return world.server().server().httpPort();
    }

    /** Request headers for PostInputs announcing a body of this many bytes, with these extra header lines. */
    private static byte[] postInputsHead(long length, String extraHeaders) {
        return ("POST /v2/inputs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length
                + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends only the headers, then reads: the answer must come without a byte of the body, say
     * that the connection closes (so no client sends its next request on it), and the server
     * must then close it rather than read the body it announced.
     */
    private static RawHttp.Response refusedBeforeTheBody(byte[] head) throws IOException {
        try (Socket socket = RawHttp.open(port())) {
            socket.getOutputStream().write(head);
            InputStream in = socket.getInputStream();
            RawHttp.Response response = RawHttp.read(in);
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(in.read()).as("the server closes the connection instead of reading the body").isEqualTo(-1);
            return response;
        }
    }

    @Test
    void aBodyUnderAVerbOrOverrideTheApiRefusesIsNotRead() throws IOException {
        RawHttp.Response verb = refusedBeforeTheBody(("PROPFIND /v2/inputs HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 30000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Response override = refusedBeforeTheBody(postInputsHead(30_000_000, "X-HTTP-Method-Override: DELETE\r\n"));

        assertThat(verb.status()).isEqualTo(405);
        assertThat(override.status()).isEqualTo(400);
        assertThat(override.body()).contains("\"code\":11102");
    }

    @Test
    void aBodyWithoutAKnownKeyIsRefusedBeforeItIsSent() throws IOException {
        RawHttp.Response anonymous = refusedBeforeTheBody(postInputsHead(30_000_000, ""));
        RawHttp.Response unknown = refusedBeforeTheBody(postInputsHead(30_000_000, "Authorization: Key nope\r\n"));
        RawHttp.Response waiting = refusedBeforeTheBody(postInputsHead(30_000_000,
                "Authorization: Key nope\r\nExpect: 100-continue\r\n"));

        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(anonymous.body()).contains("\"code\":11102", "\"inputs\":[]");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).contains("\"code\":11008", "\"inputs\":[]");
        assertThat(waiting.status()).as("no 100 Continue for a refused body").isEqualTo(401);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsSent() throws IOException {
        for (String authorization : new String[] {"", "Authorization: Key " + pets.appKey() + "\r\n"}) {
            RawHttp.Response response = refusedBeforeTheBody(postInputsHead(100L * 1024 * 1024, authorization));
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.headers().get("content-type")).startsWith("application/json");
            assertThat(response.body()).contains("\"code\":11100", "\"inputs\":[]",
                    "limit of " + TransportLimits.MAX_REQUEST_BYTES);
        }
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws IOException {
        try (Socket socket = RawHttp.open(port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/inputs HTTP/1.1\r\nHost: x\r\nAuthorization: Key " + pets.appKey()
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = ("10000\r\n" + "A".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            long sent = 0;
            try {
                while (sent < 2L * TransportLimits.MAX_REQUEST_BYTES) {
                    out.write(chunk);
                    sent += 0x10000;
                }
            } catch (IOException e) {
                // The server answered and closed the connection: expected.
            }
            assertThat(sent).isLessThan(2L * TransportLimits.MAX_REQUEST_BYTES);
            RawHttp.Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("\"code\":11100", "\"inputs\":[]");
        }
    }

    @Test
    void anUploadJustUnderTheLimitIsKeptByteForByte() {
        Random random = new Random(7);
        byte[] first = new byte[12 * 1024 * 1024];
        byte[] second = new byte[11 * 1024 * 1024 + 12345];
        random.nextBytes(first);
        random.nextBytes(second);
        String json = "{\"inputs\":[" + imageInput("big-1", Base64.getEncoder().encodeToString(first)) + ","
                + imageInput("big-2", Base64.getEncoder().encodeToString(second)) + "]}";
        assertThat(json.length()).isBetween(TransportLimits.MAX_REQUEST_BYTES - 2 * 1024 * 1024,
                TransportLimits.MAX_REQUEST_BYTES);

        var posted = pets.call("POST", "/v2/inputs", json, MultiInputResponse.getDefaultInstance());

        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        assertThat(posted.body()).doesNotContain(Base64.getEncoder().encodeToString(first).substring(0, 64));
        assertThat(storedBytes("big-1")).isEqualTo(first);
        assertThat(storedBytes("big-2")).isEqualTo(second);
    }

    @Test
    void base64IsDecodedAsJsonFormatDecodesIt() {
        byte[] bytes = new byte[3000];
        new Random(11).nextBytes(bytes);
        String standard = Base64.getEncoder().encodeToString(bytes);
        String urlSafeUnpadded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // JSON may escape any character; some encoders escape every slash.
        String escaped = standard.replace("/", "\\/").replace("A", "\\u0041");
        String json = "{\"inputs\":[" + imageInput("standard", standard) + "," + imageInput("url-safe", urlSafeUnpadded)
                + "," + imageInput("escaped", escaped)
                // A key written with escapes is left to JsonFormat, which still finds the field.
                + ",{\"id\":\"escaped-key\",\"data\":{\"image\":{\"base\\u0036\\u0034\":\"" + standard + "\"}}}"
                // In metadata, "base64" is any JSON value: it must stay the text it is.
                + ",{\"id\":\"metadata\",\"data\":{\"image\":{\"url\":\"https://example.com/a.png\"},"
                + "\"metadata\":{\"base64\":\"not base64 at all!\"}}}]}";

        var posted = pets.call("POST", "/v2/inputs", json, MultiInputResponse.getDefaultInstance());

        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        for (String id : new String[] {"standard", "url-safe", "escaped", "escaped-key"}) {
            assertThat(storedBytes(id)).as(id).isEqualTo(bytes);
        }
        assertThat(pets.getInput("metadata").getData().getMetadata().getFieldsOrThrow("base64").getStringValue())
                .isEqualTo("not base64 at all!");
    }

    @Test
    void textThatIsNotBase64IsRefusedNamingTheField() {
        var reply = pets.call("POST", "/v2/inputs", "{\"inputs\":[" + imageInput("bad", "abc$def") + "]}",
                MultiInputResponse.getDefaultInstance());

        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo(11100);
        assertThat(reply.status().getDetails()).contains("clarifai.api.Image.base64");
        assertThatThrownBy(() -> pets.getInput("bad")).isInstanceOf(AssertionError.class);
    }

    private static String imageInput(String id, String base64) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"base64\":\"" + base64 + "\"}}}";
    }

    /** The bytes the server keeps for an input, fetched through its signed media URL. */
    private static byte[] storedBytes(String inputId) {
        var urls = pets.call("GET", "/v2/media_urls?input_ids=" + inputId, null,
                MultiMediaUrlResponse.getDefaultInstance());
        assertThat(urls.code()).as(urls.body()).isEqualTo(10000);
        try {
            HttpResponse<byte[]> media = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port() + urls.message().getMediaUrls(0).getUrl())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(media.statusCode()).isEqualTo(200);
            return media.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
