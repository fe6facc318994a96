package dev.annotask.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A JSON request body as {@link JsonBodyTranscoder} left it: the JSON text, in which every
 * base64 value of a {@code bytes} field is replaced by a short marker, and the decoded bytes
 * of those values. After JsonFormat has read the text, {@link #restore} puts each value's bytes
 * back where its marker landed.
 *
 * <p>A marker is the base64 text of this body's random nonce followed by the value's index, so
 * it is valid base64 for JsonFormat and no client can forge one. Immutable.
 */
record TranscodedBody(String json, List<ByteString> blobs, byte[] nonce) {
    static final int NONCE_BYTES = 11;
    static final int MARKER_BYTES = NONCE_BYTES + Integer.BYTES;

    static final TranscodedBody EMPTY = new TranscodedBody("", List.of(), new byte[NONCE_BYTES]);

    /** The bytes the marker of blob {@code index} stands for in the JSON text. */
    static byte[] marker(byte[] nonce, int index) {
        return ByteBuffer.allocate(MARKER_BYTES).put(nonce).putInt(index).array();
    }

    /** Replaces every marker in the message's bytes fields, at any depth, by its blob. */
    void restore(Message.Builder builder) {
        if (blobs.isEmpty()) {
            return;
        }
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
                restoreBytes(builder, field);
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (field.isRepeated()) {
                    for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
                        restore(builder.getRepeatedFieldBuilder(field, i));
                    }
                } else if (builder.hasField(field)) {
                    restore(builder.getFieldBuilder(field));
                }
            }
        }
    }

    private void restoreBytes(Message.Builder builder, FieldDescriptor field) {
        if (field.isRepeated()) {
            for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
                ByteString blob = blobFor((ByteString) builder.getRepeatedField(field, i));
                if (blob != null) {
                    builder.setRepeatedField(field, i, blob);
                }
            }
        } else if (builder.hasField(field)) {
            ByteString blob = blobFor((ByteString) builder.getField(field));
            if (blob != null) {
                builder.setField(field, blob);
            }
        }
    }

    private ByteString blobFor(ByteString value) {
        if (value.size() != MARKER_BYTES || !Arrays.equals(value.substring(0, NONCE_BYTES).toByteArray(), nonce)) {
            return null;
        }
        int index = value.substring(NONCE_BYTES).asReadOnlyByteBuffer().getInt();
        return index >= 0 && index < blobs.size() ? blobs.get(index) : null;
    }
}
