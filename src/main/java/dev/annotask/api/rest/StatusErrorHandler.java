package dev.annotask.api.rest;

import dev.annotask.proto.api.status.StatusCode;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers as Clarifai status bodies: a request Jetty refuses before any
 * handler sees it (a malformed request line, a bad percent-escape, a control character or
 * invalid UTF-8 in the path, a URI or headers too large, a broken chunked body, an unknown
 * HTTP version) answers a JSON {@code BaseResponse} with Jetty's HTTP code, instead of Jetty's
 * HTML page, because Clarifai's clients read only the body (docs/COMPATIBILITY.md, "Wire behaviour").
 *
 * <p>The details are Jetty's short reason for the refusal; never an exception's text or a
 * stack trace. Thread-safe.
 */
public final class StatusErrorHandler implements Request.Handler {
    private final RestGateway gateway;

    public StatusErrorHandler(RestGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int httpStatus = response.getStatus();
        String reason = null;
        Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            httpStatus = http.getCode();
            reason = http.getReason();
        }
        if (httpStatus < 400) {
            httpStatus = HttpStatus.INTERNAL_SERVER_ERROR_500;
        }
        if (reason == null || reason.isBlank() || httpStatus >= 500) {
            reason = HttpStatus.getMessage(httpStatus);
        }
        response.setStatus(httpStatus);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, RestGateway.NO_STORE);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (HttpStatus.hasNoBody(httpStatus)) {
            callback.succeeded();
            return true;
        }
        RestGateway.Answer answer = gateway.baseResponse(codeFor(httpStatus), reason, httpStatus);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, answer.json(), callback);
        return true;
    }

    /** The status code for an HTTP error code, following Clarifai's pairing of status and HTTP codes (docs/COMPATIBILITY.md). */
    static StatusCode codeFor(int httpStatus) {
        return switch (httpStatus) {
            case 404 -> StatusCode.CONN_DOES_NOT_EXIST;
            case 405 -> StatusCode.CONN_METHOD_NOT_ALLOWED;
            case 413 -> StatusCode.CONN_BAD_REQUEST_FORMAT;
            case 429 -> StatusCode.CONN_THROTTLED;
            case 503 -> StatusCode.TRY_AGAIN;
            // 505: an HTTP version Jetty does not speak, the client's doing.
            default -> httpStatus >= 500 && httpStatus != 505 ? StatusCode.INTERNAL_UNCATEGORIZED
                    : StatusCode.CONN_INVALID_REQUEST;
        };
    }
}
