package dev.annotask.input;

/**
 * Whether the server fetches and stores the content of inputs given by URL
 * ({@code --fetch-urls}), and how an upload tells the fetcher there is new work.
 */
public interface UrlFetching {
    /** URLs are stored, never fetched: inputs given by URL are INPUT_DOWNLOAD_SUCCESS at once. */
    UrlFetching OFF = new UrlFetching() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void wake() {
        }
    };

    boolean enabled();

    /**
     * Called inside the upload's transaction, before it commits: the fetcher looks for pending
     * inputs soon, and again on its own schedule, so one it does not see yet is not lost.
     */
    void wake();
}
