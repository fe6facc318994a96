package dev.annotask.config;

import java.time.Duration;

/**
 * How the server delivers webhook events (docs/COMPATIBILITY.md, "Annotask extensions:
 * webhooks"). Only {@code allowPrivateAddresses} and {@code lease} are command-line flags; the
 * other timings are the documented policy, made shorter by tests so that a retry or a failed
 * window takes a moment.
 *
 * @param allowPrivateAddresses deliver to loopback, private, link-local and other non-public
 *     addresses too (refused by default: a subscription must not reach the server's own network)
 * @param requestTimeout how long one delivery may take, connection included, before it counts as
 *     a timeout and is retried
 * @param firstRetry the delay before the first retry; each next one doubles (with jitter), up to
 *     {@code maxRetryDelay}
 * @param maxRetryDelay the longest delay between two attempts
 * @param retryWindow how long after an event a delivery is still retried; then it is failed
 * @param pollEvery how often each node looks for deliveries that are due
 * @param senders deliveries sent at once by one node (one per subscription at a time)
 * @param lease how long a node's claim on a subscription lasts unless renewed: how soon another
 *     node takes over the deliveries of a node that died
 */
public record WebhookSettings(boolean allowPrivateAddresses, Duration requestTimeout, Duration firstRetry,
                              Duration maxRetryDelay, Duration retryWindow, Duration pollEvery, int senders,
                              Duration lease) {
    public static final WebhookSettings DEFAULTS = new WebhookSettings(false, Duration.ofSeconds(10),
            Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofHours(24), Duration.ofSeconds(1), 8,
            Duration.ofSeconds(60));

    public WebhookSettings {
        if (senders < 1 || requestTimeout.isNegative() || requestTimeout.isZero() || lease.compareTo(requestTimeout) <= 0) {
            throw new IllegalArgumentException("webhook settings: at least one sender, a positive request timeout,"
                    + " and a lease longer than it");
        }
    }

    public WebhookSettings withAllowPrivateAddresses(boolean allow) {
        return new WebhookSettings(allow, requestTimeout, firstRetry, maxRetryDelay, retryWindow, pollEvery, senders,
                lease);
    }

    public WebhookSettings withRequestTimeout(Duration timeout) {
        return new WebhookSettings(allowPrivateAddresses, timeout, firstRetry, maxRetryDelay, retryWindow, pollEvery,
                senders, lease);
    }

    public WebhookSettings withLease(Duration held) {
        return new WebhookSettings(allowPrivateAddresses, requestTimeout, firstRetry, maxRetryDelay, retryWindow,
                pollEvery, senders, held);
    }

    public WebhookSettings withPollEvery(Duration every) {
        return new WebhookSettings(allowPrivateAddresses, requestTimeout, firstRetry, maxRetryDelay, retryWindow, every,
                senders, lease);
    }
}
