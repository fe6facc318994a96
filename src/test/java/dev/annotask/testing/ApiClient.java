package dev.annotask.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.status.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A plain HTTP client for API tests: sends JSON as curl would and reads the reply into the
 * RPC's response message, the way the official clients do (unknown fields ignored).
 */
public final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;

    public ApiClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** A reply: HTTP code, raw body, and the body parsed as the expected response type. */
    public record Reply<T extends Message>(int httpStatus, String body, T message) {
        /** The response's {@code status}. */
        public Status status() {
            return (Status) message.getField(message.getDescriptorForType().findFieldByName("status"));
        }

        public int code() {
            return status().getCodeValue();
        }
    }

    public <T extends Message> Reply<T> send(String verb, String path, String token, String json, T prototype) {
        return send(verb, path, token == null ? null : "Key " + token, "application/json", json, prototype);
    }

    public <T extends Message> Reply<T> send(String verb, String path, String authorization, String contentType,
                                             String json, T prototype) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(verb, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (json != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply<>(response.statusCode(), response.body(), parse(response.body(), prototype));
        } catch (IOException e) {
            throw new IllegalStateException(verb + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> raw(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(String body, T prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(body, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the reply is not a " + prototype.getDescriptorForType().getName() + ": " + body, e);
        }
        return (T) builder.build();
    }
}
