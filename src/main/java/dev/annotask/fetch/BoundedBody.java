package dev.annotask.fetch;

import dev.annotask.api.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Reads a response body within the {@link UrlFetcher}'s bounds: refused at once when its
 * declared length passes the cap, else read in chunks into a share of the {@link MemoryBudget}
 * (the declared length, or the cap when none is declared), refused as soon as the count
 * passes the cap. A watchdog closes the stream at the fetch's deadline, which ends a read
 * that waits on a stalled origin (a closed stream reads as its end, so a flag says which it
 * was). Thread-safe.
 */
final class BoundedBody {
    private static final int CHUNK = 64 * 1024;

    private final long maxBytes;
    private final Duration timeout;
    private final MemoryBudget budget;
    private final ScheduledExecutorService watchdog;

    BoundedBody(long maxBytes, Duration timeout, MemoryBudget budget, ScheduledExecutorService watchdog) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.budget = budget;
        this.watchdog = watchdog;
    }

    /** The body, whole, or why not (its share of the budget given back then). */
    UrlFetcher.Fetched read(Response response, InputStream in, long deadline)
            throws UrlFetcher.Refused, TimeoutException, InterruptedException {
        long declared = declaredLength(response);
        if (declared > maxBytes) {
            UrlFetcher.closeQuietly(in);
            throw tooLarge(declared + " bytes");
        }
        long share = Math.min(budget.capacity(), Math.max(1, declared < 0 ? maxBytes : declared));
        MemoryBudget.Reservation held;
        try {
            held = share <= MemoryBudget.UNRESERVED_BYTES ? null : budget.reserveWithin(share, UrlFetcher.MEMORY_WAIT);
        } catch (TimeoutException e) {
            UrlFetcher.closeQuietly(in);
            throw e;
        }
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledFuture<?> stop = watchdog.schedule(() -> {
            cutOff.set(true);
            UrlFetcher.closeQuietly(in);
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        boolean kept = false;
        try {
            byte[] bytes = readAtMost(in, cutOff);
            if (bytes.length == 0) {
                throw new UrlFetcher.Refused("the origin sent no content");
            }
            kept = true;
            return new UrlFetcher.Fetched(bytes, held);
        } finally {
            stop.cancel(false);
            UrlFetcher.closeQuietly(in);
            if (!kept && held != null) {
                held.close();
            }
        }
    }

    private byte[] readAtMost(InputStream in, AtomicBoolean cutOff) throws UrlFetcher.Refused, InterruptedException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        try {
            while (true) {
                byte[] chunk = in.readNBytes(CHUNK);
                if (cutOff.get()) {
                    throw new UrlFetcher.Refused("the origin did not send its content within " + timeout.toSeconds() + " s");
                }
                if (chunk.length == 0) {
                    break;
                }
                total += chunk.length;
                if (total > maxBytes) {
                    throw tooLarge("more than " + maxBytes + " bytes");
                }
                chunks.add(chunk);
            }
        } catch (IOException e) {
            if (cutOff.get()) {
                throw new UrlFetcher.Refused("the origin did not send its content within " + timeout.toSeconds() + " s");
            }
            // The client's stream answers an interrupt so, its flag cleared (a socket timeout is a subclass).
            boolean interrupted = e.getClass() == InterruptedIOException.class;
            if (interrupted || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopping");
            }
            throw new UrlFetcher.Refused("the content was cut off: " + UrlFetcher.describe(e));
        }
        byte[] bytes = new byte[(int) total];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            byte[] chunk = chunks.set(i, null); // each chunk is garbage once copied
            System.arraycopy(chunk, 0, bytes, at, chunk.length);
            at += chunk.length;
        }
        return bytes;
    }

    /** The Content-Length the origin declared, or -1 when it declared none (or none that is a number). */
    private static long declaredLength(Response response) {
        try {
            return response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private UrlFetcher.Refused tooLarge(String size) {
        return new UrlFetcher.Refused("the origin's content is " + size + "; an input may hold at most " + maxBytes + " bytes");
    }
}
