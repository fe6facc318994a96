package dev.annotask.input;

import static dev.annotask.input.MediaFiles.be32;
import static dev.annotask.input.MediaFiles.box;
import static dev.annotask.input.MediaFiles.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.annotask.proto.api.AudioInfo;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.TextInfo;
import dev.annotask.proto.api.VideoInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The video, audio and text header readers on files written from their specifications, and
 * on what a hostile upload could be instead: every prefix of them, bytes flipped at random
 * (seeded), sizes that point past the end or loop, boxes by the hundred thousand. The readers
 * answer what the header states or nothing, and never throw.
 */
class MediaHeadersTest {
    @Test
    void anMp4StatesItsSizeDurationAndFramesEvenWithItsMovieBoxAfterTheMediaData() {
        VideoInfo info = Mp4Header.read(MediaFiles.mp4(320, 240, 50, 1000, 2)).orElseThrow();
        assertThat(info.getVideoFormat()).isEqualTo("MP4");
        assertThat(info.getWidth()).isEqualTo(320);
        assertThat(info.getHeight()).isEqualTo(240);
        assertThat(info.getDurationSeconds()).isEqualTo(2.0f);
        assertThat(info.getFrameCount()).isEqualTo(50);
        assertThat(info.getFps()).isEqualTo(25.0f);
        assertThat(info.getBitRate()).as("50,000 bytes in 2 s").isEqualTo(200_000);
    }

    @Test
    void audioHeadersStateWhatTheyHold() {
        assertThat(AudioHeader.read(MediaFiles.wav(44_100, 2, 16, 1))).contains(AudioInfo.newBuilder()
                .setAudioFormat("WAV").setSampleRate(44_100).setBitRate(1_411_200).setDurationSeconds(1.0f).build());
        assertThat(AudioHeader.read(MediaFiles.flac(48_000, 96_000))).contains(AudioInfo.newBuilder()
                .setAudioFormat("FLAC").setSampleRate(48_000).setDurationSeconds(2.0f).build());
        assertThat(AudioHeader.read(MediaFiles.mp3(300))).contains(AudioInfo.newBuilder()
                .setAudioFormat("MP3").setSampleRate(44_100).build());
        assertThat(AudioHeader.read(MediaFiles.oggVorbis(22_050, 96_000))).contains(AudioInfo.newBuilder()
                .setAudioFormat("OGG").setSampleRate(22_050).setBitRate(96_000).build());
        assertThat(AudioHeader.read(MediaFiles.ascii("just some bytes, no header"))).isEmpty();
    }

    @Test
    void textIsCountedInCodePointsAndOnlyWhenItDecodes() {
        String text = "h\u00e9llo \uD83D\uDE00"; // 7 code points, 8 chars
        assertThat(info(Data.newBuilder().setText(Text.newBuilder().setRaw(text)).build(), null))
                .isEqualTo(TextInfo.newBuilder().setCharCount(7).setEncoding("UTF-8").build());
        Data fetched = Data.newBuilder().setText(Text.newBuilder().setUrl("https://example.com/t.txt")).build();
        assertThat(info(fetched, text.getBytes(StandardCharsets.UTF_8)).getCharCount()).isEqualTo(7);
        byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(info(fetched, utf16)).isEqualTo(TextInfo.newBuilder().setCharCount(7).setEncoding("UTF-16LE").build());
        assertThat(MediaHeaders.read(fetched, new byte[] {'a', (byte) 0xC3, 'b'})).as("not UTF-8").isNull();
        String longText = "\u00e9".repeat(20_000) + "\uD83D\uDE00".repeat(10_000); // across the decoder's buffer
        assertThat(info(fetched, longText.getBytes(StandardCharsets.UTF_8)).getCharCount()).isEqualTo(30_000);
    }

    private static TextInfo info(Data data, byte[] content) {
        String json = MediaHeaders.read(data, content);
        assertThat(json).isNotNull();
        return dev.annotask.store.Json.read(json, TextInfo.newBuilder()).build();
    }

    @Test
    void everyPrefixAndRandomDamageOfEveryFormatIsReadWithoutAnException() {
        Random random = new Random(23);
        for (byte[] file : List.of(MediaFiles.mp4(64, 48, 30, 7, 1), MediaFiles.wav(8_000, 1, 8, 1),
                MediaFiles.flac(44_100, 10), MediaFiles.mp3(20), MediaFiles.oggVorbis(48_000, 0))) {
            for (int length = 0; length <= Math.min(file.length, 2_000); length++) {
                byte[] prefix = Arrays.copyOf(file, length);
                assertThatCode(() -> readAll(prefix)).as("prefix of %d bytes", length).doesNotThrowAnyException();
            }
            for (int round = 0; round < 2_000; round++) {
                byte[] damaged = file.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    damaged[random.nextInt(Math.min(damaged.length, 600))] = (byte) random.nextInt(256);
                }
                assertThatCode(() -> readAll(damaged)).as("round %d", round).doesNotThrowAnyException();
            }
        }
    }

    private static void readAll(byte[] bytes) {
        Mp4Header.read(bytes);
        AudioHeader.read(bytes);
        ImageHeaders.read(bytes);
        MediaHeaders.read(Data.newBuilder().setText(Text.newBuilder().setUrl("https://example.com/t")).build(), bytes);
    }

    @Test
    void hostileBoxSizesEndTheWalk() {
        byte[] ftyp = box("ftyp", MediaFiles.ascii("isom"), be32(0));
        // A movie box claiming more than there is, one claiming 2^63-1 in its 64-bit size, one
        // smaller than its own header: nothing to read, no exception, no endless walk.
        byte[] past = concat(ftyp, be32(1_000_000), MediaFiles.ascii("moov"), new byte[32]);
        byte[] huge = concat(ftyp, be32(1), MediaFiles.ascii("moov"), new byte[] {0x7F, -1, -1, -1, -1, -1, -1, -1});
        byte[] tiny = concat(ftyp, be32(4), MediaFiles.ascii("moov"), new byte[32]);
        assertThat(Mp4Header.read(past)).isEmpty();
        assertThat(Mp4Header.read(huge)).isEmpty();
        assertThat(Mp4Header.read(tiny)).isEmpty();
        // 200,000 empty boxes before the movie box: the walk gives up after its budget.
        byte[] crowd = new byte[200_000 * 8];
        for (int i = 0; i < 200_000; i++) {
            System.arraycopy(box("free"), 0, crowd, i * 8, 8);
        }
        byte[] crowded = concat(ftyp, crowd, MediaFiles.mp4(10, 10, 1, 1, 1));
        assertThat(Mp4Header.read(crowded)).isEmpty();
        // A frame count beyond the sizes the box holds: the count, no bit rate read past the box.
        byte[] lying = MediaFiles.mp4(16, 16, 3, 10, 1);
        int stsz = indexOf(lying, "stsz");
        System.arraycopy(be32(1_000_000), 0, lying, stsz + 12, 4);
        VideoInfo info = Mp4Header.read(lying).orElseThrow();
        assertThat(info.getFrameCount()).isEqualTo(1_000_000);
        assertThat(info.getBitRate()).isZero();
        // A WAV whose data chunk claims 4 GiB: the duration of what is there.
        byte[] wav = MediaFiles.wav(8_000, 1, 8, 1);
        System.arraycopy(new byte[] {-1, -1, -1, -1}, 0, wav, wav.length - 8_000 - 4, 4);
        assertThat(AudioHeader.read(wav).orElseThrow().getDurationSeconds()).isEqualTo(1.0f);
    }

    private static int indexOf(byte[] bytes, String type) {
        byte[] needle = MediaFiles.ascii(type);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException(type);
    }
}
