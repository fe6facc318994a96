package dev.annotask.api;

import com.google.protobuf.Message;
import dev.annotask.identity.Caller;
import org.jdbi.v3.core.Handle;

/**
 * One RPC's behaviour: the request message in, the response message out, for an already
 * authorized caller, inside the request's one transaction (the handle; see
 * {@link dev.annotask.store.UnitOfWork}). Expected failures are thrown as {@link ApiException}
 * and roll back everything the handler wrote; the response's {@code status} may be left unset
 * on success (the dispatcher fills it in).
 */
@FunctionalInterface
public interface RpcHandler<Q extends Message, R extends Message> {
    R handle(Handle handle, Caller caller, Q request);
}
