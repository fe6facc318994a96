package dev.annotask.api.corpus;

import com.google.protobuf.Message;
import java.util.Set;

/**
 * One hostile request of the corpus: the RPC it targets, what is wrong with it, what the
 * answer must be, and the request itself, over REST or gRPC (exactly one of the two is set).
 */
record CorpusCase(String rpc, String what, Expect expect, Rest rest, Grpc grpc) {

    /** An HTTP request: verb, path (already percent-encoded), body (null for none) and token. */
    record Rest(String verb, String path, String body, String token) {
    }

    /** A gRPC call by full method name: a message, or raw bytes that are no message. */
    record Grpc(String fullMethodName, Message response, Message message, byte[] bytes, String token) {
    }

    /**
     * What the answer must be. Every answer must be a Clarifai status in a body of the RPC's
     * response type (for gRPC: the call completes OK), never 99xxx, never HTTP 5xx. Beyond that:
     * {@code FAIL} must not succeed, and when {@code families} is not empty its code must be in
     * one of them (11 for 11xxx); {@code ANY} may succeed (unknown fields, odd but harmless
     * text); {@code BAD_BYTES} must be refused by gRPC itself as bytes that are no message.
     */
    record Expect(Kind kind, Set<Integer> families) {
        enum Kind { FAIL, ANY, BAD_BYTES }

        /** A request error of the 11xxx family: bad format, invalid request, no such resource or key. */
        static Expect requestError() {
            return new Expect(Kind.FAIL, Set.of(11));
        }

        /** Must fail, with a code of one of these thousands-families (any family when none). */
        static Expect failure(Integer... families) {
            return new Expect(Kind.FAIL, Set.of(families));
        }

        static Expect anything() {
            return new Expect(Kind.ANY, Set.of());
        }

        static Expect badBytes() {
            return new Expect(Kind.BAD_BYTES, Set.of());
        }
    }

    String transport() {
        return rest != null ? "REST" : "gRPC";
    }

    @Override
    public String toString() {
        return transport() + " " + rpc + ": " + what;
    }
}
