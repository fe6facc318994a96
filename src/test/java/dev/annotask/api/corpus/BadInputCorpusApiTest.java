package dev.annotask.api.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Message;
import dev.annotask.api.RpcRegistry;
import dev.annotask.proto.api.ListConceptsRequest;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.Status;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.RunningServer;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@link Corpus}) against one real server per database vendor: every
 * malformed, oversize, out-of-range or hostile request gets a Clarifai status in a body of the
 * RPC's response type, of the family the case asks for, never 10000 for a case that must fail,
 * never a 99xxx internal error, never HTTP 5xx; and the server is healthy afterwards.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class BadInputCorpusApiTest {
    private static final String OWNER = "owner";
    private static final int CALLERS = 3;

    private static RunningServer server;
    private static GrpcClient grpc;
    private static Corpus.Target target;
    private static DataFixtures app;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        server = RunningServer.start(dialect);
        grpc = new GrpcClient(server.grpcPort());
        Fixtures fixtures = new Fixtures(server.client());
        String token = fixtures.createUserWithToken(OWNER);
        app = DataFixtures.newApp(server.client(), OWNER, token, "corpus");
        app.postConcepts("cat");
        app.postTextInputs("in1");
        var annotation = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"id\":\"a1\",\"input_id\":\"in1\","
                + "\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(annotation.code()).as(annotation.body()).isEqualTo(10000);
        fixtures.createApp(token, "scratch");
        target = new Corpus.Target(OWNER, token, RunningServer.ADMIN_TOKEN, "corpus", "scratch");
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        grpc.close();
        server.close();
    }

    @Test
    void everyHostileRequestGetsAClarifaiStatusOfItsFamilyAndTheServerStaysHealthy() {
        RpcRegistry registry = server.server().registry();
        List<CorpusCase> cases = Corpus.cases(registry, target);
        long started = System.nanoTime();
        List<String> problems = run(cases);
        long rest = cases.stream().filter(c -> c.rest() != null).count();
        Set<String> rpcs = cases.stream().map(CorpusCase::rpc).collect(Collectors.toSet());
        System.out.printf("bad-input corpus on %s: %d cases (%d REST, %d gRPC) over %d RPCs in %d ms, %d problems%n",
                dialect, cases.size(), rest, cases.size() - rest, rpcs.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), problems.size());

        assertThat(problems.subList(0, Math.min(60, problems.size())))
                .as("cases answered wrongly (the first 60 of %d)", problems.size()).isEmpty();
        assertThat(cases).hasSizeGreaterThan(500);
        for (var method : registry.methods()) {
            if (registry.isServed(method.name())) {
                assertThat(cases).as(method.name() + " over both transports")
                        .anyMatch(c -> c.rpc().equals(method.name()) && c.rest() != null)
                        .anyMatch(c -> c.rpc().equals(method.name()) && c.grpc() != null);
            }
        }
        assertHealthy();
    }

    /**
     * Sends every case, a few at a time (the server serves many callers at once; the cases are
     * independent of each other), and returns the problems found, in the corpus's order.
     */
    private List<String> run(List<CorpusCase> cases) {
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<Optional<String>>> verdicts = new ArrayList<>();
            for (CorpusCase corpusCase : cases) {
                verdicts.add(callers.submit(() -> (corpusCase.rest() != null ? rest(corpusCase) : grpc(corpusCase))
                        .map(problem -> corpusCase + " → " + problem)));
            }
            List<String> problems = new ArrayList<>();
            for (Future<Optional<String>> verdict : verdicts) {
                verdict.get(2, TimeUnit.MINUTES).ifPresent(problems::add);
            }
            return problems;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("a corpus case could not be sent", e);
        } finally {
            callers.shutdownNow();
        }
    }

    private void assertHealthy() {
        assertThat(server.client().raw("/healthz").statusCode()).isEqualTo(200);
        var listed = app.call("GET", "/v2/concepts", null, MultiConceptResponse.getDefaultInstance());
        assertThat(listed.code()).as(listed.body()).isEqualTo(10000);
        assertThat(listed.message().getConceptsList()).extracting(c -> c.getId()).contains("cat");
        MultiConceptResponse overGrpc = grpc.call("ListConcepts", ListConceptsRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId(OWNER).setAppId("corpus")).build(),
                MultiConceptResponse.getDefaultInstance(), target.ownerToken());
        assertThat(overGrpc.getStatus().getCodeValue()).isEqualTo(10000);
    }

    private Optional<String> rest(CorpusCase corpusCase) {
        CorpusCase.Rest request = corpusCase.rest();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort() + request.path()))
                .timeout(Duration.ofSeconds(30))
                .method(request.verb(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()))
                .header("Authorization", "Key " + request.token());
        if (request.body() != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Optional.of("the request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() >= 500) {
            return Optional.of("HTTP " + response.statusCode() + ": " + RestCorpus.abbreviate(response.body()));
        }
        JsonObject status;
        try {
            JsonElement body = JsonParser.parseString(response.body());
            status = body.getAsJsonObject().getAsJsonObject("status");
            status.get("code").getAsInt();
        } catch (RuntimeException e) {
            return Optional.of("HTTP " + response.statusCode() + " without a status body: "
                    + RestCorpus.abbreviate(response.body()));
        }
        if (!status.has("req_id") || !status.get("req_id").getAsString().matches("[0-9a-f]{32}")) {
            return Optional.of("no req_id in " + status);
        }
        String details = status.has("details") ? status.get("details").getAsString() : "";
        return verdict(corpusCase.expect(), status.get("code").getAsInt(), details);
    }

    private Optional<String> grpc(CorpusCase corpusCase) {
        CorpusCase.Grpc request = corpusCase.grpc();
        if (request.bytes() != null) {
            return rawBytes(request);
        }
        Message response;
        try {
            response = grpc.callWithAuthorization(request.fullMethodName(), request.message(), request.response(),
                    "Key " + request.token());
        } catch (StatusRuntimeException e) {
            return Optional.of("gRPC error " + e.getStatus());
        }
        Status status = (Status) response.getField(response.getDescriptorForType().findFieldByName("status"));
        if (!status.getReqId().matches("[0-9a-f]{32}")) {
            return Optional.of("no req_id in " + status);
        }
        return verdict(corpusCase.expect(), status.getCodeValue(), status.getDetails());
    }

    private Optional<String> rawBytes(CorpusCase.Grpc request) {
        try {
            grpc.callRaw(request.fullMethodName(), request.bytes(), "Key " + request.token());
            return Optional.of("bytes that are no message were answered as a message");
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() == io.grpc.Status.Code.INTERNAL
                    && String.valueOf(e.getStatus().getDescription()).contains("Invalid protobuf byte sequence")
                    ? Optional.empty() : Optional.of("gRPC error " + e.getStatus());
        }
    }

    private static Optional<String> verdict(CorpusCase.Expect expect, int code, String details) {
        String answer = code + " (" + RestCorpus.abbreviate(details) + ")";
        if (code == 0 || code / 1000 == 99) {
            return Optional.of("an internal or empty status: " + answer);
        }
        return switch (expect.kind()) {
            case ANY -> Optional.empty();
            case BAD_BYTES -> Optional.of("a status where gRPC should refuse the bytes: " + answer);
            case FAIL -> code == 10000 ? Optional.of("succeeded: " + answer)
                    : !expect.families().isEmpty() && !expect.families().contains(code / 1000)
                    ? Optional.of("family " + expect.families() + " expected, got " + answer) : Optional.empty();
        };
    }
}
