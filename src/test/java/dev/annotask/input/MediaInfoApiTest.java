package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.AudioInfo;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.TextInfo;
import dev.annotask.proto.api.VideoInfo;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code video_info}, {@code audio_info} and {@code text_info} as PostInputs, GetInput and
 * ListInputs show them: read from an uploaded MP4 and WAV (written in the test) and counted
 * for raw text, stored with the input; bytes no reader knows show none. Both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class MediaInfoApiTest {
    private static final byte[] MP4 = MediaFiles.mp4(640, 360, 48, 500, 2);
    private static final byte[] WAV = MediaFiles.wav(16_000, 1, 16, 3);

    @Parameter
    SqlDialect dialect;

    private DataFixtures app;

    @BeforeEach
    void newApp() {
        app = LabelingWorld.sharedOnSystemClock(dialect).newBareApp("media");
    }

    @Test
    void uploadedVideoAudioAndTextShowWhatTheirContentSays() {
        var posted = app.call("POST", "/v2/inputs", """
                {"inputs":[
                  {"id":"clip","data":{"video":{"base64":"%s"}}},
                  {"id":"voice","data":{"audio":{"base64":"%s"}}},
                  {"id":"note","data":{"text":{"raw":"caf\\u00e9 \\ud83d\\ude00"}}},
                  {"id":"noise","data":{"video":{"base64":"AAECAwQFBgc=","video_info":{"width":1}}}}
                ]}""".formatted(base64(MP4), base64(WAV)), MultiInputResponse.getDefaultInstance());
        assertThat(posted.httpStatus()).as(posted.body()).isEqualTo(200);
        assertThat(posted.message().getInputs(0).getData().getVideo().getVideoInfo().getWidth())
                .as("the upload's answer shows it already").isEqualTo(640);

        VideoInfo video = get("clip").getVideo().getVideoInfo();
        assertThat(video).isEqualTo(VideoInfo.newBuilder().setWidth(640).setHeight(360).setVideoFormat("MP4")
                .setDurationSeconds(2f).setFrameCount(48).setFps(24f).setBitRate(96_000).build());
        assertThat(get("voice").getAudio().getAudioInfo()).isEqualTo(AudioInfo.newBuilder().setAudioFormat("WAV")
                .setSampleRate(16_000).setBitRate(256_000).setDurationSeconds(3f).build());
        assertThat(get("note").getText().getTextInfo())
                .isEqualTo(TextInfo.newBuilder().setCharCount(6).setEncoding("UTF-8").build());
        Data noise = get("noise");
        assertThat(noise.getVideo().hasVideoInfo()).as("bytes no reader knows; the client's info ignored").isFalse();
        assertThat(noise.getVideo().hasHosted()).isTrue();

        var listed = app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance());
        assertThat(listed.message().getInputsList()).filteredOn(input -> input.getId().equals("voice"))
                .singleElement().satisfies(input ->
                        assertThat(input.getData().getAudio().getAudioInfo().getSampleRate()).isEqualTo(16_000));
    }

    private Data get(String inputId) {
        var reply = app.call("GET", "/v2/inputs/" + inputId, null, SingleInputResponse.getDefaultInstance());
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(200);
        return reply.message().getInput().getData();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
