package dev.annotask.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.annotask.proto.api.status.StatusCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

/**
 * Reads a JSON request body piece by piece as it arrives and keeps it small: the text passes
 * through unchanged, except that the base64 value of every {@code bytes} field of the request
 * message (an image's {@code base64}, say) is decoded on the fly and replaced by a marker (see
 * {@link TranscodedBody}). A 20 MB image thus costs its 20 MB of bytes and nothing more: not the
 * 27 MB of its text, nor the several copies a JSON tree of the whole body would take.
 *
 * <p>It tracks just enough of the JSON to know where it is in the message type: objects, arrays,
 * keys, strings. It does not check the JSON otherwise; JsonFormat reads the result and reports
 * any syntax error. Whatever it cannot place (an unknown field, a key written with escapes, a
 * map, a well-known type such as Struct) it passes through as text, where JsonFormat decodes it
 * as before, so it never changes what a request means. Not thread-safe: one per body.
 */
final class JsonBodyTranscoder {
    private static final int MAX_KEY_BYTES = 128;
    private static final int MAX_DEPTH = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Mode { OUTSIDE, KEY, STRING, BLOB }

    /** An object or array being read, and the type of what it holds (null: opaque). */
    private static final class Frame {
        final boolean object;
        final Descriptor type;
        final FieldDescriptor elements;
        boolean expectingKey;

        Frame(boolean object, Descriptor type, FieldDescriptor elements) {
            this.object = object;
            this.type = type;
            this.elements = elements;
            this.expectingKey = object;
        }
    }

    private final Descriptor requestType;
    private final long maxBodyBytes;
    private final long maxTextBytes;
    private final byte[] nonce = new byte[TranscodedBody.NONCE_BYTES];
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final List<ByteString> blobs = new ArrayList<>();
    private final byte[] key = new byte[MAX_KEY_BYTES];
    private byte[] text = new byte[1024];
    private int textLength;
    private long bodyBytes;
    private Mode mode = Mode.OUTSIDE;
    private boolean escaped;
    private int keyLength;
    private boolean keyUnusable;
    private FieldDescriptor keyField;
    private FieldDescriptor blobField;
    private Base64Stream blob;
    private int hexLeft;
    private int hexValue;

    /**
     * @param maxBodyBytes the most body bytes to read (the request size limit)
     * @param maxTextBytes the most JSON text to keep apart from base64 values
     */
    JsonBodyTranscoder(Descriptor requestType, long maxBodyBytes, long maxTextBytes) {
        this.requestType = requestType;
        this.maxBodyBytes = maxBodyBytes;
        this.maxTextBytes = maxTextBytes;
        RANDOM.nextBytes(nonce);
    }

    /** Reads the next piece of the body. @throws BodyRefused when the body cannot be taken */
    void feed(ByteBuffer piece) {
        bodyBytes += piece.remaining();
        if (bodyBytes > maxBodyBytes) {
            throw new BodyRefused(StatusCode.CONN_BAD_REQUEST_FORMAT,
                    "the request body is larger than the limit of " + maxBodyBytes + " bytes", 413);
        }
        while (piece.hasRemaining()) {
            int next = piece.get() & 0xff;
            switch (mode) {
                case OUTSIDE -> outside(next);
                case KEY -> key(next);
                case STRING -> string(next);
                case BLOB -> blob(next);
            }
        }
    }

    /** The body read so far, which must be all of it. */
    TranscodedBody finish() {
        return new TranscodedBody(new String(text, 0, textLength, StandardCharsets.UTF_8), List.copyOf(blobs), nonce);
    }

    /** Bytes held now: the text kept and the bytes decoded. */
    long heldBytes() {
        long decoded = blob == null ? 0 : blob.decoded();
        for (ByteString done : blobs) {
            decoded += done.size();
        }
        return textLength + decoded;
    }

    /** Length of the JSON text kept, base64 values excluded. */
    int textBytes() {
        return textLength;
    }

    private void outside(int next) {
        write(next);
        switch (next) {
            case '{' -> open(true);
            case '[' -> open(false);
            case '}', ']' -> frames.pollFirst();
            case ':' -> {
                if (!frames.isEmpty() && frames.peekFirst().object) {
                    frames.peekFirst().expectingKey = false;
                }
            }
            case ',' -> {
                if (!frames.isEmpty() && frames.peekFirst().object) {
                    frames.peekFirst().expectingKey = true;
                    keyField = null;
                }
            }
            case '"' -> startString();
            default -> {
            }
        }
    }

    private void open(boolean object) {
        if (frames.size() >= MAX_DEPTH) {
            throw new BodyRefused(StatusCode.CONN_BAD_REQUEST_FORMAT,
                    "the request body nests objects and arrays deeper than " + MAX_DEPTH, 400);
        }
        Frame parent = frames.peekFirst();
        FieldDescriptor field = valueField();
        Frame frame;
        if (parent == null) {
            frame = object ? new Frame(true, requestType, null) : new Frame(false, null, null);
        } else if (object) {
            // A message: the value of a singular message field, or an element of a repeated one.
            boolean fits = field != null && isPlainMessage(field) && (!parent.object || !field.isRepeated());
            frame = new Frame(true, fits ? field.getMessageType() : null, null);
        } else {
            // A repeated field's elements: its value, never an array inside another array.
            boolean fits = field != null && parent.object && field.isRepeated() && !field.isMapField();
            frame = new Frame(false, null, fits ? field : null);
        }
        frames.addFirst(frame);
        keyField = null;
    }

    private void startString() {
        Frame frame = frames.peekFirst();
        if (frame != null && frame.object && frame.expectingKey) {
            mode = Mode.KEY;
            keyLength = 0;
            keyUnusable = false;
            return;
        }
        FieldDescriptor field = valueField();
        if (field != null && field.getType() == FieldDescriptor.Type.BYTES) {
            mode = Mode.BLOB;
            blobField = field;
            blob = new Base64Stream();
        } else {
            mode = Mode.STRING;
        }
    }

    /** The field the value starting now belongs to, or null when it is opaque. */
    private FieldDescriptor valueField() {
        Frame frame = frames.peekFirst();
        if (frame == null) {
            return null;
        }
        return frame.object ? (frame.type == null ? null : keyField) : frame.elements;
    }

    private static boolean isPlainMessage(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()
                && !field.getMessageType().getFile().getPackage().equals("google.protobuf");
    }

    private void key(int next) {
        write(next);
        if (escaped) {
            escaped = false;
        } else if (next == '\\') {
            escaped = true;
            keyUnusable = true; // JsonFormat decodes the escapes; the value stays text
        } else if (next == '"') {
            mode = Mode.OUTSIDE;
            Frame frame = frames.peekFirst();
            keyField = keyUnusable || frame.type == null ? null
                    : FieldPaths.find(frame.type, new String(key, 0, keyLength, StandardCharsets.UTF_8));
        } else if (keyLength < MAX_KEY_BYTES) {
            key[keyLength++] = (byte) next;
        } else {
            keyUnusable = true;
        }
    }

    private void string(int next) {
        write(next);
        if (escaped) {
            escaped = false;
        } else if (next == '\\') {
            escaped = true;
        } else if (next == '"') {
            mode = Mode.OUTSIDE;
        }
    }

    private void blob(int next) {
        if (hexLeft > 0) {
            int digit = Character.digit(next, 16);
            if (digit < 0) {
                throw notBase64();
            }
            hexValue = hexValue << 4 | digit;
            if (--hexLeft == 0 && !blob.accept(hexValue)) {
                throw notBase64();
            }
        } else if (escaped) {
            escaped = false;
            switch (next) {
                case '/' -> blob.accept('/');
                case 'u' -> {
                    hexLeft = 4;
                    hexValue = 0;
                }
                default -> throw notBase64();
            }
        } else if (next == '\\') {
            escaped = true;
        } else if (next == '"') {
            ByteString bytes = blob.finish();
            if (bytes == null) {
                throw notBase64();
            }
            byte[] marker = Base64.getEncoder().encode(TranscodedBody.marker(nonce, blobs.size()));
            blobs.add(bytes);
            blob = null;
            for (byte b : marker) {
                write(b);
            }
            write('"');
            mode = Mode.OUTSIDE;
        } else if (!blob.accept(next)) {
            throw notBase64();
        }
    }

    private BodyRefused notBase64() {
        return new BodyRefused(StatusCode.CONN_BAD_REQUEST_FORMAT,
                "the value of " + blobField.getFullName() + " is not base64 text", 400);
    }

    private void write(int next) {
        if (textLength == text.length) {
            if (textLength >= maxTextBytes) {
                throw new BodyRefused(StatusCode.CONN_BAD_REQUEST_FORMAT, "the request's JSON apart from base64 "
                        + "values is larger than the limit of " + maxTextBytes + " bytes", 413);
            }
            text = Arrays.copyOf(text, (int) Math.min((long) text.length * 2, maxTextBytes));
        }
        text[textLength++] = (byte) next;
    }
}
