package dev.annotask.api;

/**
 * One page of a listing, from Clarifai's {@code page} (1-based, default 1) and
 * {@code per_page} (default 128, at most 1,000; larger asks are capped). A page past the end
 * is simply empty.
 */
public record Page(int offset, int limit) {
    public static final int DEFAULT_PER_PAGE = 128;
    public static final int MAX_PER_PAGE = 1000;

    public static Page of(int page, int perPage) {
        long limit = perPage <= 0 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE);
        long first = Math.max(page, 1);
        long offset = Math.min((first - 1) * limit, Integer.MAX_VALUE);
        return new Page((int) offset, (int) limit);
    }
}
