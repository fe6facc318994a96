package dev.annotask.api;

import dev.annotask.proto.api.status.StatusCode;

/**
 * A request that cannot be served, carrying the Clarifai status code the caller will see.
 *
 * <p>Services throw it for every expected failure (validation, missing resources, denied
 * access); the dispatcher turns it into the response's {@code status} with the code's
 * description, these details, and the HTTP code of {@link StatusCodes}. Nothing it carries is
 * secret: details are shown to the caller as they are.
 */
public final class ApiException extends RuntimeException {
    private final StatusCode code;
    private final String details;

    public ApiException(StatusCode code, String details) {
        super(code.name() + ": " + details, null, false, false);
        this.code = code;
        this.details = details;
    }

    public StatusCode code() {
        return code;
    }

    public String details() {
        return details;
    }

    public static ApiException invalid(String details) {
        return new ApiException(StatusCode.CONN_INVALID_REQUEST, details);
    }

    public static ApiException notFound(String details) {
        return new ApiException(StatusCode.CONN_DOES_NOT_EXIST, details);
    }
}
