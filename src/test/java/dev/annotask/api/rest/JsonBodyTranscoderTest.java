package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.annotask.proto.api.PostInputsRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The streaming transcoder on its own: what it decodes, what it leaves as text, what it refuses. */
class JsonBodyTranscoderTest {
    private static final byte[] PIXELS = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    private static final String PIXELS_BASE64 = Base64.getEncoder().encodeToString(PIXELS);

    private static TranscodedBody transcode(String json, int pieceSize) {
        JsonBodyTranscoder transcoder = new JsonBodyTranscoder(PostInputsRequest.getDescriptor(), 1 << 20, 1 << 16);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < bytes.length; offset += pieceSize) {
            transcoder.feed(ByteBuffer.wrap(bytes, offset, Math.min(pieceSize, bytes.length - offset)));
        }
        return transcoder.finish();
    }

    @Test
    void bytesFieldsBecomeBlobsWhateverThePiecesAndTheRestStaysAsItWas() {
        String json = "{\"inputs\":[{\"id\":\"caf\u00e9\",\"data\":{\"image\":{\"base64\":\"" + PIXELS_BASE64
                + "\"},\"metadata\":{\"base64\":\"text\",\"x\":[{\"base64\":\"more text\"}]}}}]}";
        for (int pieceSize : new int[] {1, 3, 7, 1 << 16}) {
            TranscodedBody body = transcode(json, pieceSize);

            assertThat(body.blobs()).as("pieces of %d", pieceSize).containsExactly(ByteString.copyFrom(PIXELS));
            assertThat(body.json()).doesNotContain(PIXELS_BASE64)
                    .contains("\"id\":\"caf\u00e9\"", "\"metadata\":{\"base64\":\"text\",\"x\":[{\"base64\":\"more text\"}]}");
        }
    }

    @Test
    void theMarkerFindsItsWayBackIntoTheMessage() throws Exception {
        TranscodedBody body = transcode("{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"" + PIXELS_BASE64
                + "\"}}},{\"data\":{\"video\":{\"base64\":\"AAEC\"}}}]}", 5);
        PostInputsRequest.Builder request = PostInputsRequest.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(body.json(), request);

        body.restore(request);

        assertThat(request.getInputs(0).getData().getImage().getBase64().toByteArray()).isEqualTo(PIXELS);
        assertThat(request.getInputs(1).getData().getVideo().getBase64().toByteArray()).containsExactly(0, 1, 2);
    }

    @Test
    void unknownFieldsAndEscapedKeysStayText() {
        String json = "{\"other\":{\"image\":{\"base64\":\"!!\"}},\"inputs\":[{\"data\":{\"image\":"
                + "{\"base\\u0036\\u0034\":\"" + PIXELS_BASE64 + "\"}}}]}";

        TranscodedBody body = transcode(json, 4);

        assertThat(body.blobs()).isEmpty();
        assertThat(body.json()).isEqualTo(json);
    }

    @Test
    void refusesWhatCannotBeBase64TooMuchTextAndTooDeepNesting() {
        assertThatThrownBy(() -> transcode("{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"ab$c\"}}}]}", 64))
                .isInstanceOfSatisfying(BodyRefused.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.details()).contains("clarifai.api.Image.base64");
                });
        assertThatThrownBy(() -> transcode("{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"abcde\"}}}]}", 64))
                .as("a lone last character is not a byte").isInstanceOf(BodyRefused.class);
        assertThatThrownBy(() -> transcode("{\"inputs\":[{\"id\":\"" + "x".repeat(1 << 16) + "\"}]}", 1024))
                .isInstanceOfSatisfying(BodyRefused.class, e -> assertThat(e.httpStatus()).isEqualTo(413));
        assertThatThrownBy(() -> transcode("[".repeat(200), 64))
                .isInstanceOfSatisfying(BodyRefused.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
    }

    @Test
    void theBodyLimitCountsEveryByteFed() {
        JsonBodyTranscoder transcoder = new JsonBodyTranscoder(PostInputsRequest.getDescriptor(), 10, 100);
        transcoder.feed(ByteBuffer.wrap("{\"inputs\"".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> transcoder.feed(ByteBuffer.wrap(":[]}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(BodyRefused.class, e -> assertThat(e.httpStatus()).isEqualTo(413));
    }
}
