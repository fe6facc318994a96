package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.RawHttp;
import dev.annotask.testing.RunningServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests no HTTP library would send, over a raw socket: whatever Jetty refuses before any
 * handler runs, and the verbs the API does not use, still answer a Clarifai status body under
 * {@code /v2}, never Jetty's HTML page or an empty 200. Transport only, so SQLite only.
 */
class MalformedRequestApiTest {
    private static final String KEY = "Authorization: Key " + RunningServer.ADMIN_TOKEN + "\r\n";

    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Response send(String request) {
        return RawHttp.exchange(server.server().httpPort(), request);
    }

    static Stream<Arguments> malformed() {
        String end = "Host: x\r\nConnection: close\r\n\r\n";
        return Stream.of(
                Arguments.of("a broken percent-escape", "GET /v2/users/%zz HTTP/1.1\r\n" + end, 400),
                Arguments.of("an escaped NUL", "GET /v2/users/a%00b HTTP/1.1\r\n" + end, 400),
                Arguments.of("a raw NUL", "GET /v2/users/a\u0000b HTTP/1.1\r\n" + end, 400),
                Arguments.of("escaped invalid UTF-8", "GET /v2/users/%ff%fe HTTP/1.1\r\n" + end, 400),
                Arguments.of("raw invalid UTF-8", "GET /v2/users/\u00ff\u00fe HTTP/1.1\r\n" + end, 400),
                Arguments.of("a URI too long", "GET /v2/" + "a".repeat(20_000) + " HTTP/1.1\r\n" + end, 414),
                Arguments.of("headers too large", "GET /v2/users/me HTTP/1.1\r\nX-Big: " + "a".repeat(20_000)
                        + "\r\n" + end, 431),
                Arguments.of("a Content-Length that is no number", "POST /v2/users/me/apps HTTP/1.1\r\n"
                        + "Content-Length: many\r\n" + end, 400),
                Arguments.of("two Content-Lengths", "POST /v2/users/me/apps HTTP/1.1\r\nContent-Length: 2\r\n"
                        + "Content-Length: 3\r\n" + end + "{}", 400),
                Arguments.of("Content-Length beside chunked", "POST /v2/users/me/apps HTTP/1.1\r\n"
                        + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n" + end + "2\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("a chunk size that is no number", "POST /v2/users/me/apps HTTP/1.1\r\n" + KEY
                        + "Transfer-Encoding: chunked\r\n" + end + "zz\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("a chunked body cut short", "POST /v2/users/me/apps HTTP/1.1\r\n" + KEY
                        + "Transfer-Encoding: chunked\r\n" + end + "ff\r\n{\"apps\":[", 400),
                Arguments.of("no Host", "GET /v2/users/me HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
                Arguments.of("an unknown Expect", "POST /v2/users/me/apps HTTP/1.1\r\n" + KEY + "Expect: magic\r\n"
                        + "Content-Length: 2\r\n" + end + "{}", 417));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void transportLevelRefusalsAreStatusBodies(String what, String request, int httpStatus) {
        RawHttp.Response response = send(request);

        assertThat(response.status()).as(what).isEqualTo(httpStatus);
        assertThat(response.headers().get("content-type")).as(what).startsWith("application/json");
        BaseResponse body = parse(response.body());
        assertThat(body.getStatus().getCodeValue()).as(response.body()).isIn(11100, 11102);
        assertThat(body.getStatus().getReqId()).matches("[0-9a-f]{32}");
        assertThat(response.body()).doesNotContain("Exception", "at org.", "<html");
        assertThat(response.headers().get("cache-control")).as(what).isEqualTo("no-store");
        assertThat(response.headers().get("x-content-type-options")).as(what).isEqualTo("nosniff");
    }

    @Test
    void verbsTheApiDoesNotUseAreNotAllowedWhateverThePath() {
        for (String verb : new String[] {"OPTIONS", "TRACE", "PROPFIND", "QUERY"}) {
            for (String path : new String[] {"/v2/users/me", "/v2/no/such/thing"}) {
                RawHttp.Response response = send(verb + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(response.status()).as(verb + " " + path).isEqualTo(405);
                assertThat(parse(response.body()).getStatus().getCodeValue()).as(response.body()).isEqualTo(11103);
                assertThat(response.body()).contains(verb + " is not allowed");
                assertThat(response.headers().get("cache-control")).isEqualTo("no-store");
                assertThat(response.headers().get("x-content-type-options")).isEqualTo("nosniff");
            }
        }
    }

    @Test
    void headWithoutAKeyIsRefusedNotAnEmptyOk() throws IOException {
        try (Socket socket = RawHttp.open(server.server().httpPort())) {
            socket.getOutputStream().write("HEAD /v2/users/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response head = RawHttp.readHead(socket.getInputStream());
            assertThat(head.status()).isEqualTo(405);
            assertThat(head.headers().get("content-type")).startsWith("application/json");
            assertThat(socket.getInputStream().read()).as("HEAD answers carry no body").isEqualTo(-1);
        }
    }

    @Test
    void methodOverrideHeadersAreRefusedRatherThanObeyed() {
        RawHttp.Response response = send("POST /v2/users/me/apps HTTP/1.1\r\nHost: x\r\n" + KEY
                + "X-HTTP-Method-Override: DELETE\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(parse(response.body()).getStatus().getCodeValue()).isEqualTo(11102);
    }

    @Test
    void theServerStillAnswersAfterwards() {
        RawHttp.Response response = send("GET /v2/users/me HTTP/1.1\r\nHost: x\r\n" + KEY + "Connection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(parse(response.body()).getStatus().getCodeValue()).isEqualTo(10000);
    }

    private static BaseResponse parse(String json) {
        BaseResponse.Builder builder = BaseResponse.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a status body: " + json, e);
        }
        return builder.build();
    }
}
