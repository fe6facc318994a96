package dev.annotask.api.rest;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.annotask.api.ApiException;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.RpcMethod;
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
import java.util.Optional;

/**
 * REST as a gateway onto the RPCs, driven by their {@code google.api.http} bindings: finds the
 * route, transcodes body, query and path into the request message (in that order, so the path
 * wins over a {@code user_app_id} the client repeated in body or query), calls the
 * {@link Dispatcher}, and prints the response. No RPC has route code of its own.
 *
 * <p>The body was read before this handler runs, by {@link RestIntake}, which leaves it as a
 * {@link TranscodedBody} in a request attribute; the gateway never reads the request stream.
 * Every answer, errors included, is a JSON body of the RPC's response type, because the
 * official clients read only the body; the HTTP code is set too, for everyone else. A path
 * that names no RPC answers a {@code BaseResponse}. Thread-safe.
 */
public final class RestGateway implements Handler {
    /**
     * Every API answer is the caller's own data and some carry secrets (PostKeys shows a new
     * key's secret once), so no browser or proxy may keep a copy: {@code Cache-Control: no-store}
     * on all of them rather than a list of RPCs that could fall behind.
     */
    static final String NO_STORE = "no-store";

    /** The request attribute under which {@link RestIntake} leaves the body it read. */
    static final String BODY_ATTRIBUTE = "dev.annotask.rest.body";
    /** The request attribute holding the route {@link RestIntake} looked up, so it is looked up once. */
    static final String LOOKUP_ATTRIBUTE = "dev.annotask.rest.lookup";

    private final RouteTable routes;
    private final Dispatcher dispatcher;
    private final ProtoJson json;

    public RestGateway(RpcRegistry registry, Dispatcher dispatcher, Collection<FileDescriptor> schemaFiles) {
        this.routes = new RouteTable(registry.methods());
        this.dispatcher = dispatcher;
        this.json = new ProtoJson(schemaFiles);
    }

    /** An answer written by the transport itself, before any RPC runs. */
    record Answer(int httpStatus, String json) {
    }

    @Override
    public void handle(Context ctx) {
        // The verb of the request line: Javalin's ctx.method() would honour X-HTTP-Method-Override.
        String verb = ctx.req().getMethod();
        RouteTable.Lookup looked = ctx.attribute(LOOKUP_ATTRIBUTE);
        RouteTable.Lookup lookup = looked != null ? looked : routes.find(verb, decodePath(ctx.path()));
        if (lookup.route().isEmpty()) {
            Answer answer = lookup.otherVerb().isPresent()
                    ? methodNotAllowed(lookup.otherVerb().get().method(), verb, ctx.path())
                    : notFound(verb, ctx.path());
            write(ctx, answer.httpStatus(), answer.json());
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
        write(ctx, result.httpStatus(), json.printUtf8(result.response()));
    }

    /**
     * Writes a dispatcher's answer as the gateway writes every answer (JSON of the response
     * type, its HTTP code, {@code no-store}), for routes of other features under {@code /v2}
     * that answer with something else when all goes well.
     */
    public void answer(Context ctx, Dispatcher.Result result) {
        write(ctx, result.httpStatus(), json.print(result.response()));
    }

    private Message transcode(Context ctx, Route route, Map<String, String> variables)
            throws InvalidProtocolBufferException {
        Message.Builder builder = route.method().requestPrototype().newBuilderForType();
        if ("*".equals(route.body())) {
            TranscodedBody body = ctx.attribute(BODY_ATTRIBUTE);
            if (body != null && !body.json().isBlank()) {
                json.merge(body.json(), builder);
                body.restore(builder);
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

    /** Whether the decoded path is the API's: its first segment is {@code v2}. */
    static boolean isApiPath(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.startsWith("v2", start) && (path.length() == start + 2 || path.charAt(start + 2) == '/');
    }

    private static void write(Context ctx, int httpStatus, String json) {
        write(ctx, httpStatus, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Context ctx, int httpStatus, byte[] json) {
        ctx.header("Cache-Control", NO_STORE);
        ctx.status(httpStatus).contentType("application/json").result(json);
    }

    /** The route of this verb and decoded path, or the path's route under another verb, or nothing. */
    RouteTable.Lookup lookup(String verb, String path) {
        return routes.find(verb, path);
    }

    /** A refusal in the method's response type, with this HTTP code. */
    Answer refuse(RpcMethod method, StatusCode code, String details, int httpStatus) {
        return new Answer(httpStatus, json.print(dispatcher.reject(method, code, details).response()));
    }

    /** CONN_METHOD_NOT_ALLOWED for a verb the API does not use, in the path's response type if it has one. */
    Answer verbNotAllowed(String verb, String rawPath) {
        RouteTable.Lookup lookup = routes.find("GET", decodePath(rawPath));
        Optional<Route> any = lookup.route().or(lookup::otherVerb);
        if (any.isPresent()) {
            return methodNotAllowed(any.get().method(), verb, rawPath);
        }
        return baseResponse(StatusCode.CONN_METHOD_NOT_ALLOWED, verb + " is not allowed on " + rawPath);
    }

    /** A status-only answer, for requests that name no RPC or never got as far as naming one. */
    Answer baseResponse(StatusCode code, String details) {
        return baseResponse(code, details, StatusCodes.httpCode(code));
    }

    Answer baseResponse(StatusCode code, String details, int httpStatus) {
        BaseResponse response = BaseResponse.newBuilder()
                .setStatus(StatusCodes.status(code, details).toBuilder().setReqId(Ids.newId()))
                .build();
        return new Answer(httpStatus, json.print(response));
    }

    private Answer methodNotAllowed(RpcMethod method, String verb, String path) {
        Dispatcher.Result result = dispatcher.reject(method, StatusCode.CONN_METHOD_NOT_ALLOWED,
                verb + " is not allowed on " + path);
        return new Answer(result.httpStatus(), json.print(result.response()));
    }

    private Answer notFound(String verb, String path) {
        return baseResponse(StatusCode.CONN_DOES_NOT_EXIST, "no API endpoint for " + verb + " " + path);
    }

    /** The path percent-decoded as routes are matched (a {@code +} stays a plus). */
    static String decodePath(String rawPath) {
        try {
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return rawPath; // a broken escape (Jetty refuses those first): matches no route
        }
    }
}
