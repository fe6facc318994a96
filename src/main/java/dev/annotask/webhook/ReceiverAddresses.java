package dev.annotask.webhook;

import dev.annotask.api.ApiException;
import dev.annotask.fetch.AddressPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may send (docs/SECURITY.md, "Webhooks"): http or https URLs whose host is a
 * public address, by the rule URL fetching follows ({@link AddressPolicy}). Loopback, private,
 * link-local (cloud metadata services), carrier-grade NAT, multicast, unspecified and reserved
 * addresses are refused unless the server allows them
 * ({@code --webhooks-allow-private-addresses}), so a subscription cannot make the server reach
 * its own network. Checked when a subscription is made (the URL, and a host written as an
 * address or as localhost: no DNS lookup inside the request's transaction) and again at every
 * delivery on every address of the lookup the delivery connects with. Thread-safe.
 */
final class ReceiverAddresses {
    static final int MAX_URL_CHARS = 2048;
    private static final AddressPolicy PUBLIC_ONLY = AddressPolicy.allowing(List.of());

    private final boolean allowPrivate;

    ReceiverAddresses(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL checked for a new subscription, or CONN_INVALID_REQUEST naming the field. */
    URI requireValid(String field, String url) {
        if (url.isEmpty()) {
            throw ApiException.invalid(field + " is required");
        }
        if (url.length() > MAX_URL_CHARS) {
            throw ApiException.invalid(field + ": at most " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.invalid(field + ": not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw ApiException.invalid(field + ": must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.invalid(field + ": has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.invalid(field + ": must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) {
            throw ApiException.invalid(field + ": must not have a fragment");
        }
        if (!allowPrivate && namesPrivateHost(uri.getHost())) {
            throw ApiException.invalid(field + ": '" + uri.getHost() + "' is a loopback, private or link-local address;"
                    + " receivers must be public (the server's --webhooks-allow-private-addresses allows them)");
        }
        return uri;
    }

    /**
     * Why a delivery must not go to this address, if it must not. {@link Sender} asks it for
     * every address of the one lookup it connects with ({@code CheckedAddresses}).
     */
    Optional<String> refusal(InetAddress address) {
        if (allowPrivate || isPublic(address)) {
            return Optional.empty();
        }
        return Optional.of(address.getHostAddress() + " is a loopback, private, link-local or reserved address;"
                + " receivers must be public (the server's --webhooks-allow-private-addresses allows them)");
    }

    /** A host written as a literal address, or a localhost name, that is not public. */
    private static boolean namesPrivateHost(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        boolean literal = name.startsWith("[") || name.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        if (!literal) {
            return false;
        }
        try {
            // A literal is parsed, not looked up.
            return !isPublic(InetAddress.getByName(name));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /** Public by the rule URL fetching follows too ({@link AddressPolicy}, with no network allowed besides). */
    static boolean isPublic(InetAddress address) {
        return PUBLIC_ONLY.refusal(address).isEmpty();
    }
}
