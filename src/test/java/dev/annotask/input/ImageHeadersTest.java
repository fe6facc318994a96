package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.TestImages;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The header reader on real files of each format (written by the JDK's encoders; WebP by
 * hand), on every prefix of them, and on bytes that only look like an image: a size where the
 * header states one, empty otherwise, and never an exception.
 */
class ImageHeadersTest {

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("PNG", TestImages.png(640, 480), 640, 480),
                Arguments.of("JPEG", TestImages.jpeg(123, 45), 123, 45),
                Arguments.of("JPEG after 70 KiB of APP segments", TestImages.jpegWithLargeHeader(33, 77, 70 * 1024), 33, 77),
                Arguments.of("GIF", TestImages.gif(17, 300), 17, 300),
                Arguments.of("BMP", TestImages.bmp(31, 7), 31, 7),
                Arguments.of("WEBP lossless", TestImages.webpLossless(1000, 16383), 1000, 16383),
                Arguments.of("WEBP lossy", TestImages.webpLossy(320, 240), 320, 240),
                Arguments.of("WEBP extended", TestImages.webpExtended(70000, 3), 70000, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void readsTheSizeTheHeaderStates(String name, byte[] bytes, int width, int height) {
        String format = name.split(" ")[0];
        assertThat(ImageHeaders.read(bytes)).contains(new ImageSize(width, height, format));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void aHeaderCutShortIsNoSizeAndNoException(String name, byte[] bytes, int width, int height) {
        String format = name.split(" ")[0];
        for (int length = 0; length < Math.min(bytes.length, 200); length++) {
            Optional<ImageSize> read = ImageHeaders.read(Arrays.copyOf(bytes, length));
            // A prefix either holds the whole header (the right size) or yields nothing.
            read.ifPresent(size -> assertThat(size).isEqualTo(new ImageSize(width, height, format)));
        }
        assertThat(ImageHeaders.read(Arrays.copyOf(bytes, 6))).as("6 bytes hold no size of any format").isEmpty();
    }

    @Test
    void aRealOnePixelWebpFile() {
        byte[] webp = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
        assertThat(ImageHeaders.read(webp)).contains(new ImageSize(1, 1, "WEBP"));
    }

    @Test
    void aTopDownBmpHasItsHeightWithoutTheSign() {
        byte[] bmp = TestImages.bmp(5, 9);
        int height = -9;
        for (int i = 0; i < 4; i++) {
            bmp[22 + i] = (byte) (height >> (8 * i));
        }
        assertThat(ImageHeaders.read(bmp)).contains(new ImageSize(5, 9, "BMP"));
    }

    @Test
    void corruptHeadersAreNoSize() {
        byte[] png = TestImages.png(4, 4);
        byte[] noIhdr = png.clone();
        noIhdr[12] = 'X';
        byte[] zeroWidth = png.clone();
        Arrays.fill(zeroWidth, 16, 20, (byte) 0);
        byte[] hugeWidth = png.clone();
        Arrays.fill(hugeWidth, 16, 20, (byte) 0xFF);
        byte[] jpegWithoutFrame = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2};
        byte[] jpegBadLength = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 1, 0, 0};
        byte[] jpegGarbageBetween = {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34, 0x56};
        byte[] lossyInterFrame = TestImages.webpLossy(8, 8);
        lossyInterFrame[20] |= 1;
        byte[] gifWrongVersion = TestImages.gif(3, 3);
        gifWrongVersion[4] = '8';
        for (byte[] corrupt : new byte[][] {noIhdr, zeroWidth, hugeWidth, jpegWithoutFrame, jpegBadLength,
                jpegGarbageBetween, lossyInterFrame, gifWrongVersion, null, new byte[0]}) {
            assertThat(ImageHeaders.read(corrupt)).isEmpty();
        }
    }

    @Test
    void otherKindsOfBytesAreNoImage() {
        byte[] mp4 = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2'};
        byte[] text = "just some text, no image".getBytes();
        byte[] svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>".getBytes();
        assertThat(ImageHeaders.read(mp4)).isEmpty();
        assertThat(ImageHeaders.read(text)).isEmpty();
        assertThat(ImageHeaders.read(svg)).isEmpty();
    }

    @Test
    void randomBytesBehindEachSignatureNeverThrow() {
        Random random = new Random(42);
        byte[][] signatures = {{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, {(byte) 0xFF, (byte) 0xD8},
                {'G', 'I', 'F', '8', '9', 'a'}, {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'}, {'B', 'M'}};
        for (int round = 0; round < 20_000; round++) {
            byte[] signature = signatures[round % signatures.length];
            byte[] bytes = new byte[signature.length + random.nextInt(64)];
            random.nextBytes(bytes);
            System.arraycopy(signature, 0, bytes, 0, signature.length);
            if (round % 3 == 0 && bytes.length >= 16 && signature.length == 12) {
                System.arraycopy(new byte[] {'V', 'P', '8', (byte) "LX ".charAt(round / 3 % 3)}, 0, bytes, 12, 4);
            }
            Optional<ImageSize> read = ImageHeaders.read(bytes);
            read.ifPresent(size -> assertThat(size.width()).isPositive());
        }
    }
}
