package dev.annotask.media;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.media.ListMediaUrlsRequest;
import dev.annotask.proto.media.MediaUrl;
import dev.annotask.proto.media.MultiMediaUrlResponse;
import org.jdbi.v3.core.Handle;
import java.util.List;
import java.util.Map;

/**
 * ListMediaUrls: signed URLs for inputs' stored bytes, for a caller who may read the inputs.
 * The caller's app comes from the dispatcher's access check (the key's app, or the PAT's named
 * app it owns or collaborates on), so a key can only ever obtain URLs for its own app's inputs.
 * Thread-safe.
 */
public final class MediaRpcs {
    static final int MAX_BATCH = 128;

    private final InputStore inputs;
    private final MediaUrlSigner signer;

    public MediaRpcs(InputStore inputs, MediaUrlSigner signer) {
        this.inputs = inputs;
        this.signer = signer;
    }

    public void register(RpcRegistry registry) {
        registry.reads("ListMediaUrls", ListMediaUrlsRequest.class, this::listMediaUrls);
    }

    MultiMediaUrlResponse listMediaUrls(Handle handle, Caller caller, ListMediaUrlsRequest request) {
        Validation.requireBatch("input_ids", request.getInputIdsCount(), MAX_BATCH);
        String appUid = caller.app().uid();
        List<String> ids = request.getInputIdsList().stream().distinct().toList();
        Map<String, Input> found = inputs.findAll(handle, appUid, ids);
        List<String> missing = ids.stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, "input not found: " + String.join(", ", missing));
        }
        MultiMediaUrlResponse.Builder response = MultiMediaUrlResponse.newBuilder();
        for (String id : ids) {
            if (found.get(id).byteSize() == 0) {
                continue; // given by URL: the client loads that URL itself
            }
            MediaUrlSigner.SignedUrl signed = signer.sign(appUid, id);
            response.addMediaUrls(MediaUrl.newBuilder().setInputId(id).setUrl(signed.url())
                    .setExpiresAt(Timestamps.fromSeconds(signed.expiresAtSeconds())));
        }
        return response.build();
    }
}
