package dev.annotask.imports;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.status.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The command line's client of a running server: Clarifai-style JSON over HTTP with a key, the
 * answers read into the RPCs' response messages. Failures come back as {@link Failed} with the
 * server's status. Thread-safe.
 */
final class ImportClient {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String appPath;
    private final String base;
    private final String key;

    /** A call the server answered with a failure, or did not answer. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    ImportClient(String baseUrl, String key, String userId, String appId) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
        this.appPath = "/v2/users/" + userId + "/apps/" + appId;
    }

    <T extends Message> T call(String verb, String path, Message body, T prototype) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + appPath + path))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Key " + key)
                    .header("Content-Type", "application/json")
                    .method(verb, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(PRINTER.print(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Message.Builder answer = prototype.newBuilderForType();
            try {
                PARSER.merge(response.body(), answer);
            } catch (InvalidProtocolBufferException e) {
                throw new Failed(verb + " " + path + ": HTTP " + response.statusCode() + ", not an API answer");
            }
            Status status = (Status) answer.getField(answer.getDescriptorForType().findFieldByName("status"));
            if (status.getCodeValue() != 10000) {
                throw new Failed(status.getCode() + " (" + status.getCodeValue() + "): " + status.getDescription()
                        + (status.getDetails().isEmpty() ? "" : ": " + status.getDetails()));
            }
            @SuppressWarnings("unchecked")
            T typed = (T) answer.build();
            return typed;
        } catch (IOException e) {
            throw new Failed("could not reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }
}
