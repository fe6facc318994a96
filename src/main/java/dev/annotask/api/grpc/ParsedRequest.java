package dev.annotask.api.grpc;

import com.google.protobuf.Message;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * A request as the server received it: the message, or why its bytes are none.
 *
 * <p>grpc-java lets a request marshaller's parse failure escape its call listener: the
 * client gets UNKNOWN and the server logs a stack trace for every malformed request. Parsing
 * into this value instead lets the handler answer INTERNAL "Invalid protobuf byte sequence",
 * what Clarifai's own channel reports for bytes it cannot parse, without a trace.
 *
 * <p>A large message is parsed only within a reservation of the {@link MemoryBudget} (twice
 * its wire size: the message and what the handler derives from it), which the call holds until
 * it ends ({@link ServiceBinding} gives it back); when none is free in time the request is
 * {@code busy} and answers TRY_AGAIN unparsed.
 */
record ParsedRequest(Message message, Status failure, boolean busy, MemoryBudget.Reservation memory) {

    /** Gives back the memory the request held, if any; idempotent. */
    void release() {
        if (memory != null) {
            memory.close();
        }
    }

    /** Reads requests of the prototype's type; server side only. */
    static Marshaller<ParsedRequest> marshaller(Message prototype, MemoryBudget budget) {
        Marshaller<Message> proto = ProtoUtils.marshaller(prototype);
        return new Marshaller<>() {
            @Override
            public InputStream stream(ParsedRequest request) {
                return proto.stream(request.message());
            }

            @Override
            public ParsedRequest parse(InputStream bytes) {
                long wireSize = wireSize(bytes);
                MemoryBudget.Reservation memory = null;
                if (wireSize > MemoryBudget.UNRESERVED_BYTES) {
                    try {
                        memory = budget.reserveWithin(Math.min(2 * wireSize, budget.capacity()),
                                TransportLimits.MAX_MEMORY_WAIT);
                    } catch (TimeoutException e) {
                        return new ParsedRequest(null, null, true, null);
                    }
                }
                try {
                    return new ParsedRequest(proto.parse(bytes), null, false, memory);
                } catch (StatusRuntimeException e) {
                    if (memory != null) {
                        memory.close();
                    }
                    return new ParsedRequest(null, e.getStatus(), false, null);
                }
            }
        };
    }

    /** The message's size as grpc-java knows it (it always does for a received message). */
    private static long wireSize(InputStream bytes) {
        try {
            return bytes instanceof KnownLength ? bytes.available() : TransportLimits.MAX_REQUEST_BYTES;
        } catch (IOException e) {
            return TransportLimits.MAX_REQUEST_BYTES;
        }
    }
}
