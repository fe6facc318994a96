package dev.annotask.api.grpc;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.InputStream;

/**
 * A request as the server received it: the message, or why its bytes are none.
 *
 * <p>grpc-java lets a request marshaller's parse failure escape its call listener: the
 * client gets UNKNOWN and the server logs a stack trace for every malformed request. Parsing
 * into this value instead lets the handler answer INTERNAL "Invalid protobuf byte sequence",
 * what Clarifai's own channel reports for bytes it cannot parse, without a trace.
 */
record ParsedRequest(Message message, Status failure) {

    /** Reads requests of the prototype's type; server side only. */
    static Marshaller<ParsedRequest> marshaller(Message prototype) {
        Marshaller<Message> proto = ProtoUtils.marshaller(prototype);
        return new Marshaller<>() {
            @Override
            public InputStream stream(ParsedRequest request) {
                return proto.stream(request.message());
            }

            @Override
            public ParsedRequest parse(InputStream bytes) {
                try {
                    return new ParsedRequest(proto.parse(bytes), null);
                } catch (StatusRuntimeException e) {
                    return new ParsedRequest(null, e.getStatus());
                }
            }
        };
    }
}
