package dev.annotask.upload;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.DeleteUploadsRequest;
import dev.annotask.proto.api.GetUploadRequest;
import dev.annotask.proto.api.ListUploadsRequest;
import dev.annotask.proto.api.MultiUploadResponse;
import dev.annotask.proto.api.PostUploadsRequest;
import dev.annotask.proto.api.PutUploadContentPartsRequest;
import dev.annotask.proto.api.SingleUploadResponse;
import dev.annotask.proto.api.Upload;
import dev.annotask.proto.api.UploadContentPart;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostUploads, PutUploadContentParts, GetUpload, ListUploads and DeleteUploads: Clarifai's
 * multipart uploads, which carry the files Annotask imports (docs/ARCHITECTURE.md, "Imports
 * and pre-labels"). An upload declares its size up front, at most {@link #MAX_UPLOAD_BYTES};
 * parts of at most {@link #MAX_PART_BYTES} arrive in any order, each stored in its own
 * transaction, and may be sent again (a part already stored at that offset with that size is
 * accepted once). No part may reach past the declared size or overlap another. The upload is
 * UPLOAD_DONE once every byte is there. Thread-safe.
 */
public final class UploadRpcs {
    /** The largest file an upload may hold: 8 GiB, about 100,000 photos in a ZIP. */
    public static final long MAX_UPLOAD_BYTES = 8L << 30;
    /** The most one request may carry in parts (base64 in JSON makes it 11 MiB, under the 32 MiB request cap). */
    public static final int MAX_PART_BYTES = 8 << 20;
    /** How long an upload no import used is kept. */
    static final Duration KEEP_UNUSED = Duration.ofDays(1);

    private final Clock clock;

    public UploadRpcs(Clock clock) {
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostUploads", PostUploadsRequest.class, this::postUploads);
        registry.writes("PutUploadContentParts", PutUploadContentPartsRequest.class, this::putParts);
        registry.reads("GetUpload", GetUploadRequest.class, this::getUpload);
        registry.reads("ListUploads", ListUploadsRequest.class, this::listUploads);
        registry.writes("DeleteUploads", DeleteUploadsRequest.class, this::deleteUploads);
    }

    MultiUploadResponse postUploads(Handle handle, Caller caller, PostUploadsRequest request) {
        Validation.requireBatch("uploads", request.getUploadsCount(), 128);
        long now = clock.millis();
        List<UploadStore.Stored> created = new ArrayList<>();
        for (int i = 0; i < request.getUploadsCount(); i++) {
            Upload wire = request.getUploads(i);
            String field = "uploads[" + i + "]";
            String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", wire.getId());
            if (wire.getContentLength() == 0) {
                throw ApiException.invalid(field + ".content_length is required: the size of the file in bytes");
            }
            if (wire.getContentLength() > MAX_UPLOAD_BYTES || wire.getContentLength() < 0) {
                throw new ApiException(StatusCode.UPLOAD_FAILED, field + ".content_length: "
                        + Long.toUnsignedString(wire.getContentLength()) + " bytes; an upload may hold at most "
                        + MAX_UPLOAD_BYTES + " bytes (8 GiB)");
            }
            if (wire.getContentName().length() > 256) {
                throw ApiException.invalid(field + ".content_name: at most 256 characters");
            }
            created.add(new UploadStore.Stored(caller.app().uid(), id, caller.userId(), wire.getContentName(),
                    wire.getContentLength(), 0, StatusCode.UPLOAD_IN_PROGRESS_VALUE, now, now,
                    now + KEEP_UNUSED.toMillis()));
        }
        Validation.requireUniqueNewIds("uploads[].id", created.stream().map(UploadStore.Stored::id).toList());
        List<String> taken = UploadStore.existingIds(handle, caller.app().uid(),
                created.stream().map(UploadStore.Stored::id).toList());
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "upload id already exists: " + String.join(", ", taken));
        }
        created.forEach(upload -> UploadStore.insert(handle, upload));
        return MultiUploadResponse.newBuilder().addAllUploads(created.stream().map(UploadRpcs::wire).toList()).build();
    }

    SingleUploadResponse putParts(Handle handle, Caller caller, PutUploadContentPartsRequest request) {
        Validation.requireBatch("content_parts", request.getContentPartsCount(), 64);
        long carried = request.getContentPartsList().stream().mapToLong(p -> p.getData().size()).sum();
        if (carried > MAX_PART_BYTES) {
            throw new ApiException(StatusCode.UPLOAD_FAILED, "content_parts carry " + carried
                    + " bytes; one request may carry at most " + MAX_PART_BYTES + " (8 MiB)");
        }
        String appUid = caller.app().uid();
        UploadStore.Stored upload = UploadStore.findForChange(handle, appUid, request.getUploadId())
                .orElseThrow(() -> ApiException.notFound("upload '" + request.getUploadId() + "' not found"));
        long received = upload.received();
        for (int i = 0; i < request.getContentPartsCount(); i++) {
            UploadContentPart part = request.getContentParts(i);
            String field = "content_parts[" + i + "]";
            long start = part.getRangeStart();
            long size = part.getData().size();
            if (size == 0) {
                throw ApiException.invalid(field + ".data is empty");
            }
            if (start < 0 || start + size > upload.contentLength()) {
                throw new ApiException(StatusCode.UPLOAD_CONFLICT, field + ": bytes " + Long.toUnsignedString(start)
                        + " to " + (start + size) + " reach past the upload's content_length " + upload.contentLength());
            }
            long stored = UploadStore.partAt(handle, appUid, upload.id(), start);
            if (stored == size) {
                continue; // sent again after a lost answer: already there
            }
            if (stored >= 0 || UploadStore.overlaps(handle, appUid, upload.id(), start, start + size)) {
                throw new ApiException(StatusCode.UPLOAD_CONFLICT, field + ": bytes " + start + " to " + (start + size)
                        + " overlap a part already received");
            }
            UploadStore.insertPart(handle, appUid, upload.id(), start, part.getPartNumber(), part.getData().toByteArray());
            received += size;
        }
        int status = received == upload.contentLength() ? StatusCode.UPLOAD_DONE_VALUE : StatusCode.UPLOAD_IN_PROGRESS_VALUE;
        long now = clock.millis();
        UploadStore.setReceived(handle, appUid, upload.id(), received, status, now);
        return SingleUploadResponse.newBuilder().setUpload(wire(new UploadStore.Stored(appUid, upload.id(),
                upload.userId(), upload.contentName(), upload.contentLength(), received, status, upload.createdAt(),
                now, upload.expiresAt()))).build();
    }

    SingleUploadResponse getUpload(Handle handle, Caller caller, GetUploadRequest request) {
        return SingleUploadResponse.newBuilder().setUpload(wire(UploadStore.find(handle, caller.app().uid(),
                request.getUploadId()).orElseThrow(() -> ApiException.notFound("upload '" + request.getUploadId()
                + "' not found")))).build();
    }

    MultiUploadResponse listUploads(Handle handle, Caller caller, ListUploadsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiUploadResponse.newBuilder().addAllUploads(UploadStore.list(handle, caller.app().uid(),
                page.offset(), page.limit()).stream().map(UploadRpcs::wire).toList()).build();
    }

    BaseResponse deleteUploads(Handle handle, Caller caller, DeleteUploadsRequest request) {
        Validation.requireBatch("ids", request.getIdsCount(), 128);
        List<String> ids = request.getIdsList().stream().distinct().toList();
        if (UploadStore.delete(handle, caller.app().uid(), ids) < ids.size()) {
            throw ApiException.notFound("upload not found: " + String.join(", ", ids)); // rolled back: all or nothing
        }
        return BaseResponse.getDefaultInstance();
    }

    static Upload wire(UploadStore.Stored upload) {
        return Upload.newBuilder()
                .setId(upload.id())
                .setContentName(upload.contentName())
                .setContentLength(upload.contentLength())
                .setStatus(StatusCodes.status(StatusCode.forNumber(upload.status()), upload.status()
                        == StatusCode.UPLOAD_IN_PROGRESS_VALUE ? upload.received() + " of " + upload.contentLength()
                        + " bytes received" : null))
                .setCreatedAt(Timestamps.fromMillis(upload.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(upload.modifiedAt()))
                .setExpiresAt(Timestamps.fromMillis(upload.expiresAt()))
                .build();
    }
}
