package dev.annotask.statuscode;

import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.GetStatusCodeRequest;
import dev.annotask.proto.api.ListStatusCodesRequest;
import dev.annotask.proto.api.MultiStatusCodeResponse;
import dev.annotask.proto.api.SingleStatusCodeResponse;
import dev.annotask.proto.api.status.StatusCode;
import org.jdbi.v3.core.Handle;

/**
 * ListStatusCodes and GetStatusCode: the public catalogue of status codes. As in Clarifai,
 * GetStatusCode answers with the asked-for code in the response's own {@code status}.
 */
public final class StatusCodeRpcs {

    public void register(RpcRegistry registry) {
        registry.reads("ListStatusCodes", ListStatusCodesRequest.class, this::list);
        registry.reads("GetStatusCode", GetStatusCodeRequest.class, this::get);
    }

    MultiStatusCodeResponse list(Handle handle, Caller caller, ListStatusCodesRequest request) {
        MultiStatusCodeResponse.Builder response = MultiStatusCodeResponse.newBuilder();
        for (StatusCode code : StatusCode.values()) {
            // Aliases (INPUT_DOWNLOAD_*) are not enum constants in Java, so each number comes once.
            if (code != StatusCode.ZERO && code != StatusCode.UNRECOGNIZED) {
                response.addStatuses(StatusCodes.status(code, null));
            }
        }
        return response.build();
    }

    SingleStatusCodeResponse get(Handle handle, Caller caller, GetStatusCodeRequest request) {
        String id = request.getStatusCodeId();
        StatusCode code;
        try {
            code = StatusCode.forNumber(Integer.parseInt(id));
        } catch (NumberFormatException e) {
            code = StatusCode.getDescriptor().findValueByName(id) == null ? null
                    : StatusCode.valueOf(StatusCode.getDescriptor().findValueByName(id));
        }
        if (code == null || code == StatusCode.ZERO) {
            throw ApiException.notFound("status code '" + id + "' does not exist");
        }
        return SingleStatusCodeResponse.newBuilder().setStatus(StatusCodes.status(code, null)).build();
    }
}
