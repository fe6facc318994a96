package dev.annotask.input;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.App;
import dev.annotask.proto.api.AudioInfo;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.HostedURL;
import dev.annotask.proto.api.ImageInfo;
import dev.annotask.proto.api.TextInfo;
import dev.annotask.proto.api.VideoInfo;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;

/**
 * An input as the API shows it, wherever it appears (GetInput, ListInputs, PostInputs,
 * dataset members, task assignments, samples): the stored data, and for inputs with stored
 * bytes the {@code hosted} URL of those bytes, as {@code url} too when the input was
 * uploaded as bytes (a URL input keeps its own), and the image's {@code image_info} (or the
 * video's {@code video_info}, the audio's {@code audio_info}, the text's {@code text_info}). Bytes
 * themselves are never in it. Immutable, thread-safe.
 */
public final class InputWire {
    private final HostedUrls hostedUrls;

    public InputWire(HostedUrls hostedUrls) {
        this.hostedUrls = hostedUrls;
    }

    /** The input of this app as the API shows it. */
    public dev.annotask.proto.api.Input toWire(App app, Input input) {
        return toWire(app, input, Json.read(input.dataJson(), Data.newBuilder()).build());
    }

    private dev.annotask.proto.api.Input toWire(App app, Input input, Data stored) {
        return dev.annotask.proto.api.Input.newBuilder()
                .setId(input.id())
                .setData(data(app, input, stored))
                .setCreatedAt(Timestamps.fromMillis(input.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(input.modifiedAt()))
                .setStatus(StatusCodes.status(StatusCode.forNumber(input.status()), input.statusDetails()))
                .build();
    }

    /** The input's stored data as shown: with where its bytes are hosted and what their header says. */
    Data data(App app, Input input, Data stored) {
        if (input.byteSize() == 0 && input.image() == null && input.mediaInfo() == null) {
            return stored;
        }
        Data.Builder data = stored.toBuilder();
        if (input.byteSize() > 0) {
            HostedURL hosted = hostedUrls.hosted(app.ownerId(), app.id(), input.id());
            String url = HostedUrls.original(hosted);
            if (data.hasImage()) {
                data.getImageBuilder().setHosted(hosted).setUrl(or(data.getImage().getUrl(), url));
            } else if (data.hasVideo()) {
                data.getVideoBuilder().setHosted(hosted).setUrl(or(data.getVideo().getUrl(), url));
            } else if (data.hasAudio()) {
                data.getAudioBuilder().setHosted(hosted).setUrl(or(data.getAudio().getUrl(), url));
            } else if (data.hasText()) {
                data.getTextBuilder().setHosted(hosted); // fetched from its own URL, which it keeps
            }
        }
        if (input.image() != null && data.hasImage()) {
            data.getImageBuilder().setImageInfo(ImageInfo.newBuilder().setWidth(input.image().width())
                    .setHeight(input.image().height()).setFormat(input.image().format()));
        }
        if (input.mediaInfo() != null) {
            if (data.hasVideo()) {
                data.getVideoBuilder().setVideoInfo(Json.read(input.mediaInfo(), VideoInfo.newBuilder()));
            } else if (data.hasAudio()) {
                data.getAudioBuilder().setAudioInfo(Json.read(input.mediaInfo(), AudioInfo.newBuilder()));
            } else if (data.hasText()) {
                data.getTextBuilder().setTextInfo(Json.read(input.mediaInfo(), TextInfo.newBuilder()));
            }
        }
        return data.build();
    }

    private static String or(String own, String hosted) {
        return own.isEmpty() ? hosted : own;
    }
}
