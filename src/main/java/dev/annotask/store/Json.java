package dev.annotask.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.wire.WireJsonPrinter;
import java.nio.charset.StandardCharsets;

/**
 * Messages stored as JSON text in TEXT (SQLite) or JSONB (PostgreSQL) columns: printed with
 * proto field names, read back ignoring fields a later schema dropped. JsonFormat's printing,
 * done by {@link WireJsonPrinter} where it can (an upload prints every input's data). Stateless.
 */
public final class Json {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private Json() {
    }

    private static final WireJsonPrinter WIRE_PRINTER = WireJsonPrinter.forStorage();

    public static String write(Message message) {
        try {
            return new String(WIRE_PRINTER.print(message), StandardCharsets.UTF_8);
        } catch (WireJsonPrinter.Unsupported e) {
            return writeWithJsonFormat(message);
        }
    }

    /** The reference printing, which {@link #write} equals. */
    public static String writeWithJsonFormat(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored message could not be printed", e);
        }
    }

    public static <B extends Message.Builder> B read(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored message could not be read", e);
        }
    }

    /** A Struct column: null when the struct is empty or absent. */
    public static String writeStruct(Struct struct) {
        return struct == null || struct.getFieldsCount() == 0 ? null : write(struct);
    }

    public static Struct readStruct(String json) {
        return json == null ? Struct.getDefaultInstance() : read(json, Struct.newBuilder()).build();
    }
}
