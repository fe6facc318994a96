package dev.annotask.config;

/**
 * A flag or environment variable whose value the server refuses (a weak token, two sources for
 * one secret, an unreadable file). The command line prints the message and exits without
 * starting; nothing has been written by then.
 */
public final class InvalidSetting extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidSetting(String message) {
        super(message);
    }
}
