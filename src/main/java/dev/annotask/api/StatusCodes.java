package dev.annotask.api;

import dev.annotask.proto.api.status.Status;
import dev.annotask.proto.api.status.StatusCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The description text and HTTP code of each status code, as Clarifai gives them (its status codes and the HTTP code each travels with).
 *
 * <p>Descriptions are Clarifai's documented texts where one exists (clients and tests compare
 * them verbatim), otherwise a plain rendering of the name. HTTP codes follow the observed or
 * suggested column; codes that only describe a resource's state (task, input, annotation
 * statuses) are 200 when they head a response. Immutable and thread-safe.
 */
public final class StatusCodes {
    private static final Map<StatusCode, String> DESCRIPTIONS = new EnumMap<>(StatusCode.class);
    private static final Map<StatusCode, Integer> HTTP = new EnumMap<>(StatusCode.class);

    static {
        describe(StatusCode.SUCCESS, "Ok", 200);
        describe(StatusCode.MIXED_STATUS, "Mixed Success", 200);
        describe(StatusCode.FAILURE, "Failure", 400);
        describe(StatusCode.TRY_AGAIN, "Try again", 503);
        describe(StatusCode.NOT_IMPLEMENTED, "Not implemented", 501);
        describe(StatusCode.CONN_ACCOUNT_ISSUES, "Account or plan issue", 403);
        describe(StatusCode.CONN_TOKEN_INVALID, "Invalid authentication token", 401);
        describe(StatusCode.CONN_CREDENTIALS_INVALID, "Invalid credentials", 401);
        describe(StatusCode.CONN_EXCEED_HOURLY_LIMIT, "Hourly request limit exceeded", 429);
        describe(StatusCode.CONN_EXCEED_MONTHLY_LIMIT, "Monthly request limit exceeded", 429);
        describe(StatusCode.CONN_THROTTLED, "Making too many requests", 429);
        describe(StatusCode.CONN_EXCEEDS_LIMITS, "Account limits exceeded", 429);
        describe(StatusCode.CONN_INSUFFICIENT_SCOPES, "API key has insufficient scopes", 403);
        describe(StatusCode.CONN_KEY_INVALID, "Invalid API key or Invalid API key/application pair", 401);
        describe(StatusCode.CONN_KEY_NOT_FOUND, "API key not found", 401);
        describe(StatusCode.CONN_BAD_REQUEST_FORMAT, "Bad request format", 400);
        describe(StatusCode.CONN_DOES_NOT_EXIST, "Resource does not exist", 404);
        describe(StatusCode.CONN_INVALID_REQUEST, "Invalid request", 400);
        describe(StatusCode.CONN_METHOD_NOT_ALLOWED, "Method not allowed", 405);
        describe(StatusCode.CONN_NO_GDPR_CONSENT, "No GDPR Consent", 403);
        describe(StatusCode.CONN_INVALID_RANGE, "Invalid range", 400);
        describe(StatusCode.CONN_AUTH_METHOD_DISABLED, "Authentication method not allowed for this endpoint", 403);
        describe(StatusCode.CONCEPTS_INVALID_REQUEST, "Invalid request", 400);
        describe(StatusCode.INPUT_SUCCESS, "Download complete", 200);
        describe(StatusCode.INPUT_PENDING, "Download pending", 200);
        describe(StatusCode.INPUT_FAILED,
                "Download failed or we could not process it. Check URL or bytes you send in the request.", 200);
        describe(StatusCode.INPUT_IN_PROGRESS, "Download in progress", 200);
        describe(StatusCode.ANNOTATION_SUCCESS, "Annotation success", 200);
        describe(StatusCode.ANNOTATION_PENDING, "Annotation pending", 200);
        describe(StatusCode.ANNOTATION_INVALID_ARGUMENT, "Annotation invalid argument", 400);
        describe(StatusCode.ANNOTATION_PERMISSION_DENIED, "Permission to annotation denied", 403);
        describe(StatusCode.INPUT_DOES_NOT_EXIST, "Input does not exist", 404);
        describe(StatusCode.INPUT_PERMISSION_DENIED, "Input permission denied", 403);
        describe(StatusCode.INPUT_INVALID_ARGUMENT, "Input invalid argument", 400);
        describe(StatusCode.INPUT_OVER_LIMIT, "Input image is larger than the allowed limit", 413);
        describe(StatusCode.INPUT_INVALID_URL, "Input image URL invalid", 400);
        describe(StatusCode.INPUT_INVALID_REQUEST, "Invalid input request", 400);
        describe(StatusCode.INPUT_DUPLICATE,
                "Duplicate URL in your application. Check the documentation to allow duplications.", 409);
        describe(StatusCode.SEARCH_INVALID_REQUEST, "Invalid search request", 400);
        // Clarifai documents no text for this one; 409: the search is in use (a task's input source).
        describe(StatusCode.SAVED_SEARCH_MODIFY_FAILED, "Saved search modify failed", 409);
        describe(StatusCode.DATABASE_DUPLICATE_KEY,
                "Object has a duplicate ID; another object with same ID already exist.", 409);
        // Clarifai documents no text for these two; 503 because the same request may succeed later.
        describe(StatusCode.DATABASE_STATEMENT_TIMEOUT, "Database statement timeout", 503);
        describe(StatusCode.DATABASE_FAIL_TO_GET_CONNECTIONS, "Database connection unavailable", 503);
        describe(StatusCode.DATABASE_CONSTRAINT_VIOLATED,
                "Object violates a constraint. Try again with different values for the fields.", 409);
        describe(StatusCode.TASK_CONFLICT, "Task conflict", 409);
        describe(StatusCode.TASK_NOT_IMPLEMENTED, "Task scenario not implemented", 501);
        describe(StatusCode.TASK_MISSING, "Task not found", 404);
        describe(StatusCode.TASK_PERMISSION_DENIED, "Task permission denied", 403);
        describe(StatusCode.INTERNAL_SERVER_ISSUE, "Internal server issue", 500);
        describe(StatusCode.INTERNAL_DATABASE_ISSUE, "Internal database issue", 500);
        describe(StatusCode.INTERNAL_UNCATEGORIZED, "Internal error", 500);
        // An upload over its limits is refused as a whole: Payload Too Large.
        describe(StatusCode.UPLOAD_FAILED, "Upload failed", 413);
        describe(StatusCode.UPLOAD_CONFLICT, "Upload conflict", 409);
        // Heading a response, a version's state refuses an export of a version not READY yet.
        describe(StatusCode.DATASET_VERSION_PENDING, "Dataset version pending", 409);
        describe(StatusCode.DATASET_VERSION_IN_PROGRESS, "Dataset version in progress", 409);
        describe(StatusCode.DATASET_VERSION_FAILURE, "Dataset version failure", 409);
        describe(StatusCode.BAD_REQUEST, "Bad request", 400);
        describe(StatusCode.SERVER_ERROR, "Server error", 500);
    }

    private StatusCodes() {
    }

    private static void describe(StatusCode code, String description, int http) {
        DESCRIPTIONS.put(code, description);
        HTTP.put(code, http);
    }

    /** Clarifai's documented text, or the name in words ("TASK_IN_PROGRESS" → "Task in progress"). */
    public static String description(StatusCode code) {
        String known = DESCRIPTIONS.get(code);
        if (known != null) {
            return known;
        }
        String words = code.name().toLowerCase().replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The HTTP code a response headed by this status code travels with. */
    public static int httpCode(StatusCode code) {
        return HTTP.getOrDefault(code, 200);
    }

    /** A status with this code, its description and the given details (empty details omitted). */
    public static Status status(StatusCode code, String details) {
        Status.Builder status = Status.newBuilder().setCode(code).setDescription(description(code));
        if (details != null && !details.isEmpty()) {
            status.setDetails(details);
        }
        return status.build();
    }

    public static Status success() {
        return status(StatusCode.SUCCESS, null);
    }
}
