package dev.annotask.api.rest;

import dev.annotask.proto.api.status.StatusCode;

/**
 * A request body refused while it was read: too large, not decodable, cut off or too slow.
 * Carries the status the caller will see and the HTTP code, which for these transport-level
 * failures (413, 408) is not the one {@link dev.annotask.api.StatusCodes} gives the code.
 */
final class BodyRefused extends RuntimeException {
    private final StatusCode code;
    private final String details;
    private final int httpStatus;

    BodyRefused(StatusCode code, String details, int httpStatus) {
        super(details, null, false, false);
        this.code = code;
        this.details = details;
        this.httpStatus = httpStatus;
    }

    StatusCode code() {
        return code;
    }

    String details() {
        return details;
    }

    int httpStatus() {
        return httpStatus;
    }
}
