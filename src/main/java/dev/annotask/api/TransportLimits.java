package dev.annotask.api;

import java.time.Duration;

/**
 * How large a request may be and how much of the heap requests may hold, on both transports,
 * sized for the heap the README runs the server with ({@code -Xmx256m}); docs/DEPLOYMENT.md,
 * "Limits and hostile clients", says what each protects and what was measured with it.
 */
public final class TransportLimits {
    /**
     * The largest REST body and gRPC message: room for one input of the largest size PostInputs
     * takes (20 MB) as base64 JSON, or several smaller ones.
     */
    public static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    /** The largest REST JSON text apart from base64 values, which are decoded as they arrive. */
    public static final int MAX_JSON_TEXT_BYTES = 4 * 1024 * 1024;

    /**
     * Heap per byte of JSON text while it becomes a message: a JSON tree (the shape check's,
     * then JsonFormat's own) and the message. Measured: 4 MB of polygon points (the densest
     * JSON the API takes: numbers in small objects) needed between 80 and 96 MB of heap.
     */
    public static final int JSON_HEAP_FACTOR = 20;

    /** Heap that large requests may hold at once ({@link MemoryBudget}). */
    public static final long MEMORY_BUDGET_BYTES = 96L * 1024 * 1024;

    /** How long a large request waits for its share of {@link #MEMORY_BUDGET_BYTES}. */
    public static final Duration MAX_MEMORY_WAIT = Duration.ofSeconds(30);

    private TransportLimits() {
    }
}
