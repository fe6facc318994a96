package dev.annotask.api.rest;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.annotask.api.ApiException;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * REST as a gateway onto the RPCs, driven by their {@code google.api.http} bindings: finds the
 * route, transcodes body, query and path into the request message (in that order, so the path
 * wins over a {@code user_app_id} the client repeated in body or query), calls the
 * {@link Dispatcher}, and prints the response. No RPC has route code of its own.
 *
 * <p>Every answer, errors included, is a JSON body of the RPC's response type, because the
 * official clients read only the body; the HTTP code is set too, for everyone else. A path
 * that names no RPC answers a {@code BaseResponse}. Thread-safe.
 */
public final class RestGateway implements Handler {
    /**
     * Every API answer is the caller's own data and some carry secrets (PostKeys shows a new
     * key's secret once), so no browser or proxy may keep a copy: {@code Cache-Control: no-store}
     * on all of them rather than a list of RPCs that could fall behind.
     */
    private static final String NO_STORE = "no-store";

    private final RouteTable routes;
    private final Dispatcher dispatcher;
    private final ProtoJson json;

    public RestGateway(RpcRegistry registry, Dispatcher dispatcher, Collection<FileDescriptor> schemaFiles) {
        this.routes = new RouteTable(registry.methods());
        this.dispatcher = dispatcher;
        this.json = new ProtoJson(schemaFiles);
    }

    @Override
    public void handle(Context ctx) {
        String verb = ctx.method().name();
        RouteTable.Lookup lookup = routes.find(verb, decodePath(ctx.path()));
        if (lookup.route().isEmpty()) {
            if (lookup.otherVerb().isPresent()) {
                write(ctx, dispatcher.reject(lookup.otherVerb().get().method(), StatusCode.CONN_METHOD_NOT_ALLOWED,
                        verb + " is not allowed on " + ctx.path()));
            } else {
                writeNotFound(ctx, verb);
            }
            return;
        }
        Route route = lookup.route().get();
        Dispatcher.Result result;
        try {
            Message request = transcode(ctx, route, lookup.variables());
            result = dispatcher.call(route.method(), ctx.header("Authorization"), request);
        } catch (InvalidProtocolBufferException e) {
            result = dispatcher.reject(route.method(), StatusCode.CONN_BAD_REQUEST_FORMAT,
                    "the request body does not fit " + route.method().descriptor().getInputType().getName()
                            + ": " + e.getMessage());
        } catch (ApiException e) {
            result = dispatcher.reject(route.method(), e.code(), e.details());
        }
        write(ctx, result);
    }

    private Message transcode(Context ctx, Route route, Map<String, String> variables)
            throws InvalidProtocolBufferException {
        Message.Builder builder = route.method().requestPrototype().newBuilderForType();
        if ("*".equals(route.body())) {
            // Decoded as UTF-8 whatever the header says: the Java client sends "charset=utf8",
            // which is not a Java charset name.
            String body = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
            if (!body.isBlank()) {
                json.merge(body, builder);
            }
        }
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            for (String value : parameter.getValue()) {
                FieldPaths.set(builder, parameter.getKey(), value);
            }
        }
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            FieldPaths.set(builder, variable.getKey(), variable.getValue());
        }
        return builder.build();
    }

    private static String decodePath(String rawPath) {
        return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private void write(Context ctx, Dispatcher.Result result) {
        ctx.header("Cache-Control", NO_STORE);
        ctx.status(result.httpStatus()).contentType("application/json").result(json.print(result.response()));
    }

    private void writeNotFound(Context ctx, String verb) {
        BaseResponse response = BaseResponse.newBuilder()
                .setStatus(StatusCodes.status(StatusCode.CONN_DOES_NOT_EXIST, "no API endpoint for " + verb + " " + ctx.path())
                        .toBuilder().setReqId(Ids.newId()))
                .build();
        ctx.header("Cache-Control", NO_STORE);
        ctx.status(StatusCodes.httpCode(StatusCode.CONN_DOES_NOT_EXIST)).contentType("application/json")
                .result(json.print(response));
    }
}
