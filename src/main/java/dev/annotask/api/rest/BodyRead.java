package dev.annotask.api.rest;

import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.api.RpcMethod;
import dev.annotask.proto.api.status.StatusCode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request body read for {@link RestIntake}: read as it arrives, on Jetty's demand
 * callbacks, so no thread waits for a slow client, and fed to a {@link JsonBodyTranscoder}.
 * When the body is complete the request goes on to Javalin; when it cannot be taken it is
 * answered with a status body and no more of it is read.
 *
 * <p>Memory: once more than {@link MemoryBudget#UNRESERVED_BYTES} of a body have arrived, the
 * read stops until the body's share of the budget (its announced length, or the request size
 * limit for a chunked body) is granted, waiting at most {@link TransportLimits#MAX_MEMORY_WAIT}
 * (then 503). A client trickling a small part of a large body thus holds no share. The share
 * is held until the answer has been written.
 *
 * <p>Time: while it is being read (not while it waits for memory) a body must keep coming, at
 * least {@link #MIN_PROGRESS_BYTES} every {@link #PROGRESS_INTERVAL} until it is complete, or
 * it is refused with 408; Jetty's idle timeout covers a client that sends nothing at all.
 *
 * <p>Threads: its steps run one at a time, on whichever thread Jetty, the budget or the
 * scheduler calls back on; {@link #over} makes sure it ends exactly once, and the fields the
 * callbacks share are guarded by {@code this}.
 */
final class BodyRead implements Runnable {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
    static final long MIN_PROGRESS_BYTES = 640 * 1024;
    private static final String BUSY = "the server is busy reading other large requests; retry later";

    private final RestIntake intake;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final RpcMethod method;
    private final long expectedBytes;
    private final JsonBodyTranscoder transcoder;
    private final Scheduler scheduler;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile long bytesRead;
    private long bytesAtLastCheck;
    private boolean askedForMemory;
    private MemoryBudget.Reservation reservation;
    private MemoryBudget.Waiter waiter;
    private Content.Chunk held;
    private Scheduler.Task progressCheck;
    private Scheduler.Task waitLimit;

    BodyRead(RestIntake intake, Request request, Response response, Callback callback, RpcMethod method,
             long expectedBytes) {
        this.intake = intake;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.method = method;
        this.expectedBytes = expectedBytes;
        this.transcoder = new JsonBodyTranscoder(method.descriptor().getInputType(),
                TransportLimits.MAX_REQUEST_BYTES, TransportLimits.MAX_JSON_TEXT_BYTES);
        this.scheduler = request.getComponents().getScheduler();
    }

    void start() {
        scheduleProgressCheck();
        read(false);
    }

    /** Jetty's demand callback: more of the body may be there. */
    @Override
    public void run() {
        read(true);
    }

    /**
     * Reads what has arrived. Within a demand callback, the request goes on to Javalin in a task
     * of its own, as Jetty's own EagerContentHandler does, so the callback returns to Jetty
     * before the (blocking) handling starts.
     */
    private void read(boolean inDemandCallback) {
        while (!over.get()) {
            Content.Chunk chunk = takeHeld();
            if (chunk == null) {
                chunk = request.read();
            }
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                failed(chunk.getFailure());
                return;
            }
            if (needsMemory(chunk) && !reserveMemory(chunk)) {
                return; // granted() reads on with the chunk held
            }
            boolean last = chunk.isLast();
            try {
                bytesRead += chunk.remaining();
                transcoder.feed(chunk.getByteBuffer());
            } catch (BodyRefused e) {
                refuse(e.code(), e.details(), e.httpStatus());
                return;
            } finally {
                chunk.release();
            }
            if (last) {
                if (inDemandCallback) {
                    request.getContext().execute(this::complete);
                } else {
                    complete();
                }
                return;
            }
        }
    }

    private synchronized Content.Chunk takeHeld() {
        Content.Chunk chunk = held;
        held = null;
        return chunk;
    }

    private boolean needsMemory(Content.Chunk chunk) {
        return !askedForMemory && expectedBytes > MemoryBudget.UNRESERVED_BYTES
                && bytesRead + chunk.remaining() > MemoryBudget.UNRESERVED_BYTES;
    }

    /** Asks for the body's share; false when it must wait (the chunk is then held until granted). */
    private boolean reserveMemory(Content.Chunk chunk) {
        askedForMemory = true;
        synchronized (this) {
            held = chunk;
        }
        Optional<MemoryBudget.Waiter> place = intake.budget().reserve(expectedBytes, this::granted);
        synchronized (this) {
            if (reservation != null) {
                held = null; // granted at once: read on with the chunk in hand
                return true;
            }
            waiter = place.orElseThrow();
            waitLimit = scheduler.schedule(this::waitedTooLong, TransportLimits.MAX_MEMORY_WAIT);
            return false;
        }
    }

    private void granted(MemoryBudget.Reservation granted) {
        boolean late;
        synchronized (this) {
            reservation = granted;
            late = waiter != null;
            if (late) {
                waitLimit.cancel();
                // Progress is measured from now: waiting for memory is not the client's doing.
                progressCheck.cancel();
                bytesAtLastCheck = bytesRead;
                progressCheck = scheduler.schedule(this::checkProgress, PROGRESS_INTERVAL);
            }
        }
        if (late) {
            // Granted on the thread that released memory: read on one of Jetty's instead.
            request.getContext().execute(() -> read(false));
        }
    }

    private void waitedTooLong() {
        if (waiter.cancel()) {
            refuse(StatusCode.TRY_AGAIN, BUSY, 503);
        }
    }

    private synchronized boolean waitingForMemory() {
        return waiter != null && reservation == null;
    }

    private synchronized void scheduleProgressCheck() {
        progressCheck = scheduler.schedule(this::checkProgress, PROGRESS_INTERVAL);
    }

    private void checkProgress() {
        if (over.get()) {
            return;
        }
        boolean tooSlow;
        synchronized (this) {
            long read = bytesRead;
            tooSlow = !waitingForMemory() && read - bytesAtLastCheck < MIN_PROGRESS_BYTES;
            bytesAtLastCheck = read;
        }
        if (tooSlow) {
            refuse(StatusCode.CONN_BAD_REQUEST_FORMAT, "the request body arrives too slowly: less than "
                    + MIN_PROGRESS_BYTES + " bytes in " + PROGRESS_INTERVAL.toSeconds() + " s", 408);
            return;
        }
        scheduleProgressCheck();
    }

    private void failed(Throwable failure) {
        if (failure instanceof TimeoutException) {
            refuse(StatusCode.CONN_BAD_REQUEST_FORMAT, "the request body stopped arriving", 408);
        } else if (failure instanceof HttpException http) {
            refuse(StatusCode.CONN_BAD_REQUEST_FORMAT, "the request body is malformed: " + http.getReason(), 400);
        } else {
            refuse(StatusCode.CONN_BAD_REQUEST_FORMAT, "the request body could not be read", 400);
        }
    }

    private void complete() {
        if (!end()) {
            return;
        }
        TranscodedBody body = transcoder.finish();
        // Turning the JSON text into a message takes many times its size: hold that too. (A
        // body that needed no reservation stays small: its text is at most 16 KiB.)
        long needed = transcoder.heldBytes() + (long) TransportLimits.JSON_HEAP_FACTOR * transcoder.textBytes();
        MemoryBudget.Reservation memory = reservation();
        if (needed > intake.budget().capacity()) {
            answer(intake.gateway().refuse(method, StatusCode.CONN_BAD_REQUEST_FORMAT, "the request needs about "
                    + needed + " bytes of memory, more than the server gives one request; send it in parts", 413));
            return;
        }
        if (memory != null && !memory.resize(needed)) {
            answer(intake.gateway().refuse(method, StatusCode.TRY_AGAIN, BUSY, 503));
            return;
        }
        request.setAttribute(RestGateway.BODY_ATTRIBUTE, body);
        Callback done = releasing(callback);
        try {
            if (!intake.handleNext(request, response, done)) {
                Response.writeError(request, response, done, 404);
            }
        } catch (Throwable t) {
            Response.writeError(request, response, done, t);
        }
    }

    private void refuse(StatusCode code, String details, int httpStatus) {
        if (end()) {
            answer(intake.gateway().refuse(method, code, details, httpStatus));
        }
    }

    /** Marks the read over, once: stops the timers and lets go of a chunk held for memory. */
    private boolean end() {
        if (!over.compareAndSet(false, true)) {
            return false;
        }
        Content.Chunk chunk;
        synchronized (this) {
            if (progressCheck != null) {
                progressCheck.cancel();
            }
            if (waitLimit != null) {
                waitLimit.cancel();
            }
            chunk = held;
            held = null;
        }
        if (chunk != null) {
            chunk.release();
        }
        return true;
    }

    private synchronized MemoryBudget.Reservation reservation() {
        return reservation;
    }

    private void answer(RestGateway.Answer answer) {
        RestIntake.write(response, answer, releasing(callback));
    }

    /** The callback, giving back the reservation (if any) first, whatever the outcome. */
    private Callback releasing(Callback next) {
        return new Callback() {
            @Override
            public void succeeded() {
                release();
                next.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                release();
                next.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return next.getInvocationType();
            }
        };
    }

    private void release() {
        MemoryBudget.Reservation memory;
        synchronized (this) {
            memory = reservation;
            reservation = null;
        }
        if (memory != null) {
            memory.close();
        }
    }
}
