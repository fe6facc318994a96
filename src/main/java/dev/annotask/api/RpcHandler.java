package dev.annotask.api;

import com.google.protobuf.Message;
import dev.annotask.identity.Caller;

/**
 * One RPC's behaviour: the request message in, the response message out, for an already
 * authorized caller. Expected failures are thrown as {@link ApiException}; the response's
 * {@code status} may be left unset on success (the dispatcher fills it in).
 */
@FunctionalInterface
public interface RpcHandler<Q extends Message, R extends Message> {
    R handle(Caller caller, Q request);
}
