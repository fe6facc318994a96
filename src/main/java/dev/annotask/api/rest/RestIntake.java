package dev.annotask.api.rest;

import dev.annotask.api.ApiException;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.AccessControl;
import dev.annotask.proto.api.status.StatusCode;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The API's front door, a Jetty handler in front of Javalin: every request under {@code /v2}
 * passes here first, and its body is read here, so that nothing a client sends is held before
 * it has been checked (docs/DEPLOYMENT.md, "Limits and hostile clients"). In order:
 * <ol>
 *   <li>a verb the API does not use (HEAD, OPTIONS, TRACE, …) answers CONN_METHOD_NOT_ALLOWED;</li>
 *   <li>a body larger than {@link TransportLimits#MAX_REQUEST_BYTES} answers 413, unread;</li>
 *   <li>a body for an RPC that needs a key, sent without a known, unexpired one, is refused
 *       unread, with the status the dispatcher would give;</li>
 *   <li>the body is read without holding a thread while it arrives ({@link BodyRead}),
 *       base64 values decoded on the fly, within a share of the {@link MemoryBudget};</li>
 *   <li>then Javalin runs the {@link RestGateway} with the body read.</li>
 * </ol>
 * Refusals are the RPC's response type, as the gateway writes them. A refused body is never
 * read: Jetty closes the connection after the answer instead, and the answer says so
 * ({@code Connection: close}): without it, a client whose body had not all arrived when the
 * answer left would send its next request on a connection already closing. Requests outside {@code /v2} (the
 * UI, media, operations) pass through untouched. Thread-safe.
 */
public final class RestIntake extends Handler.Wrapper {
    private static final Set<String> API_VERBS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final RestGateway gateway;
    private final AccessControl accessControl;
    private final MemoryBudget budget;

    public RestIntake(RestGateway gateway, AccessControl accessControl, MemoryBudget budget) {
        this.gateway = gateway;
        this.accessControl = accessControl;
        this.budget = budget;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String decoded = path == null ? null : RestGateway.decodePath(path);
        if (decoded == null || !RestGateway.isApiPath(decoded)) {
            return super.handle(request, response, callback);
        }
        String verb = request.getMethod();
        // Refused before their bodies are read, like a body without a known key below.
        if (!API_VERBS.contains(verb)) {
            refuseUnread(response, gateway.verbNotAllowed(verb, path), callback);
            return true;
        }
        if (request.getHeaders().contains("X-HTTP-Method-Override")) {
            refuseUnread(response, gateway.baseResponse(StatusCode.CONN_INVALID_REQUEST,
                    "X-HTTP-Method-Override is not supported; send the verb itself"), callback);
            return true;
        }
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        RouteTable.Lookup lookup = gateway.lookup(verb, decoded);
        request.setAttribute(RestGateway.LOOKUP_ATTRIBUTE, lookup); // the gateway's, once
        Optional<Route> route = lookup.route().filter(found -> "*".equals(found.body()));
        if (route.isEmpty() || !chunked && length <= 0) {
            // No body to read, or one the gateway will not look at: Jetty discards it.
            return super.handle(request, response, callback);
        }
        RpcMethod method = route.get().method();
        if (length > TransportLimits.MAX_REQUEST_BYTES) {
            refuseUnread(response, gateway.refuse(method, StatusCode.CONN_BAD_REQUEST_FORMAT, "the request body has "
                    + length + " bytes, more than the limit of " + TransportLimits.MAX_REQUEST_BYTES, 413), callback);
            return true;
        }
        try {
            accessControl.requireKnownKey(request.getHeaders().get(HttpHeader.AUTHORIZATION), method.access());
        } catch (ApiException e) {
            refuseUnread(response, gateway.refuse(method, e.code(), e.details(), StatusCodes.httpCode(e.code())),
                    callback);
            return true;
        } catch (RuntimeException e) {
            // The key cannot be checked now (the database fails): read on, and let the
            // dispatcher give the answer it gives to every request in that state.
        }
        new BodyRead(this, request, response, callback, method, chunked ? TransportLimits.MAX_REQUEST_BYTES : length)
                .start();
        return true;
    }

    RestGateway gateway() {
        return gateway;
    }

    MemoryBudget budget() {
        return budget;
    }

    /** Hands the request, its body read, on to Javalin. */
    boolean handleNext(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        return next != null && next.handle(request, response, callback);
    }

    /** Answers a request whose body stays unread, on a connection that then closes. */
    private static void refuseUnread(Response response, RestGateway.Answer answer, Callback callback) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        write(response, answer, callback);
    }

    static void write(Response response, RestGateway.Answer answer, Callback callback) {
        response.setStatus(answer.httpStatus());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, RestGateway.NO_STORE);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        Content.Sink.write(response, true, answer.json(), callback);
    }
}
