package dev.annotask.api.corpus;

import static dev.annotask.api.corpus.CorpusCase.Expect.anything;
import static dev.annotask.api.corpus.CorpusCase.Expect.badBytes;
import static dev.annotask.api.corpus.CorpusCase.Expect.requestError;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.corpus.CorpusCase.Expect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gRPC half of the corpus, made from each RPC's request type: enum numbers the schema does
 * not define and oversize strings in every field (which must fail with 11xxx), odd text, NaN,
 * infinities and extreme integers where they fit the wire type, a repeated field 70,000 long,
 * unknown fields, and bytes that are no message at all.
 */
final class GrpcCorpus {
    private static final int HUGE_REPEAT = 70_000;

    private final Corpus.Target target;
    private final List<CorpusCase> cases = new ArrayList<>();

    private GrpcCorpus(Corpus.Target target) {
        this.target = target;
    }

    /** The cases of one RPC; {@code rpcIndex} (its place among the RPCs) turns the rotations. */
    static List<CorpusCase> of(RpcMethod method, int rpcIndex, Corpus.Target target) {
        GrpcCorpus corpus = new GrpcCorpus(target);
        corpus.generate(method, rpcIndex);
        return corpus.cases;
    }

    private void generate(RpcMethod method, int rpcIndex) {
        add(method, "an empty request", anything(), base(method, true));
        Message.Builder unknown = base(method, true);
        unknown.setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(9_999, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                .addField(10_000, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8("\u0000garbage\uFFFF")).build())
                .build());
        add(method, "unknown fields", anything(), unknown);
        switch (rpcIndex % 4) {
            case 0 -> bytes(method, "a truncated varint", new byte[] {0x08, (byte) 0x80});
            case 1 -> bytes(method, "field number 0", new byte[] {0x00, 0x01});
            case 2 -> bytes(method, "a length past the end", new byte[] {0x0a, 0x7f, 0x01});
            default -> firstStringField(method);
        }

        List<FieldPath> paths = FieldPath.all(method.descriptor().getInputType(), 3);
        for (int i = 0; i < paths.size(); i++) {
            field(method, paths.get(i), i + rpcIndex);
        }
    }

    private void field(RpcMethod method, FieldPath path, int k) {
        FieldDescriptor leaf = path.leaf();
        String at = path.text();
        switch (leaf.getJavaType()) {
            case ENUM -> {
                int number = HostileValues.pick(List.of(99, -1, Integer.MIN_VALUE, 1_000_000, Integer.MAX_VALUE), k);
                Message.Builder request = base(method, false);
                path.set(request, leaf.getEnumType().findValueByNumberCreatingIfUnknown(number), 1);
                add(method, at + " = " + number, requestError(), request);
            }
            case STRING -> {
                if (k % 2 == 0) {
                    Message.Builder oversize = base(method, false);
                    path.set(oversize, HostileValues.oversize(leaf), 1);
                    add(method, at + " one past its length limit", requestError(), oversize);
                } else {
                    String text = HostileValues.pick(HostileValues.TEXT, k / 2);
                    Message.Builder odd = base(method, true);
                    path.set(odd, text, 1);
                    add(method, at + " = " + RestCorpus.abbreviate(text), anything(), odd);
                }
                if (leaf.isRepeated() && path.fields().size() == 1) {
                    Message.Builder huge = base(method, true);
                    path.set(huge, "x", HUGE_REPEAT);
                    add(method, at + " repeated " + HUGE_REPEAT + " times", anything(), huge);
                }
            }
            case FLOAT -> set(method, path, HostileValues.pick(List.of(Float.NaN, Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY, -1f, Float.MAX_VALUE, -0f, Float.MIN_VALUE), k));
            case DOUBLE -> set(method, path, HostileValues.pick(List.of(Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, -1d, Double.MAX_VALUE), k));
            case INT -> set(method, path, HostileValues.pick(List.of(-1, Integer.MAX_VALUE, Integer.MIN_VALUE), k));
            case LONG -> set(method, path, HostileValues.pick(List.of(-1L, Long.MAX_VALUE, Long.MIN_VALUE), k));
            default -> {
            }
        }
    }

    private void set(RpcMethod method, FieldPath path, Object value) {
        Message.Builder request = base(method, true);
        path.set(request, value, 1);
        add(method, path.text() + " = " + value, anything(), request);
    }

    /** A proto3 string must be UTF-8: the first top-level string field, holding bytes that are not. */
    private void firstStringField(RpcMethod method) {
        for (FieldDescriptor field : method.descriptor().getInputType().getFields()) {
            if (field.getType() == FieldDescriptor.Type.STRING) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try {
                    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                    out.writeTag(field.getNumber(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(2);
                    out.writeRawBytes(new byte[] {(byte) 0xc3, 0x28});
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                bytes(method, field.getName() + " not UTF-8", bytes.toByteArray());
                return;
            }
        }
    }

    /** The request with the user and app set when the type has them (the scratch app for requests that may succeed). */
    private Message.Builder base(RpcMethod method, boolean scratch) {
        Message.Builder builder = method.requestPrototype().newBuilderForType();
        FieldDescriptor ids = builder.getDescriptorForType().findFieldByName("user_app_id");
        if (ids != null) {
            Message.Builder idSet = builder.newBuilderForField(ids);
            idSet.setField(idSet.getDescriptorForType().findFieldByName("user_id"), target.ownerId());
            idSet.setField(idSet.getDescriptorForType().findFieldByName("app_id"),
                    scratch ? target.scratchAppId() : target.appId());
            builder.setField(ids, idSet.build());
        }
        return builder;
    }

    private void add(RpcMethod method, String what, Expect expect, Message.Builder request) {
        cases.add(new CorpusCase(method.name(), what, expect, null, new CorpusCase.Grpc(method.fullName(),
                method.responsePrototype(), request.build(), null, target.tokenFor(method))));
    }

    private void bytes(RpcMethod method, String what, byte[] bytes) {
        cases.add(new CorpusCase(method.name(), what, badBytes(), null, new CorpusCase.Grpc(method.fullName(),
                method.responsePrototype(), null, bytes, target.tokenFor(method))));
    }
}
