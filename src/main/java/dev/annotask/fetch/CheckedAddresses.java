package dev.annotask.fetch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The HTTP client's only way from a host name to socket addresses: one lookup, every address
 * of it checked against the {@link AddressPolicy}, and exactly those addresses handed to the
 * client to connect to, or none at all when any is refused. Check and connection thus rest on
 * the same answer; a resolver that answers differently the next time (DNS rebinding) changes
 * nothing, because there is no next time for this connection. URL fetching checks with its
 * {@link AddressPolicy}; webhook delivery with its receiver rule, through the same class.
 * Thread-safe.
 */
public final class CheckedAddresses implements SocketAddressResolver {
    private final String purpose;
    private final Rule rule;
    private final HostResolver resolver;

    /** Which addresses may be connected to: why one may not, or empty when it may. */
    @FunctionalInterface
    public interface Rule {
        Optional<String> refusal(InetAddress address);
    }

    CheckedAddresses(AddressPolicy policy, HostResolver resolver) {
        this("fetching", policy::refusal, resolver);
    }

    /**
     * @param purpose what a refusal says was refused, before the host's name ({@code "fetching"}
     *                gives "fetching example.com refused: ...")
     */
    public CheckedAddresses(String purpose, Rule rule, HostResolver resolver) {
        this.purpose = purpose;
        this.rule = rule;
        this.resolver = resolver;
    }

    /** Why a host may not be connected to; the client fails the request with it. */
    public static final class Refusal extends UnknownHostException {
        Refusal(String reason) {
            super(reason);
        }
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            promise.succeeded(checked(host, port));
        } catch (Refusal refusal) {
            promise.failed(refusal);
        }
    }

    /** The socket addresses of the host, once every one of them may be connected to. */
    List<InetSocketAddress> checked(String host, int port) throws Refusal {
        // The client writes an IPv6 literal in brackets, as in a URL.
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new Refusal("the host " + name + " is not known");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refusal("the host " + name + " is not known");
        }
        List<InetSocketAddress> checked = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) {
            Optional<String> refusal = rule.refusal(address);
            if (refusal.isPresent()) {
                throw new Refusal(purpose + " " + name + " refused: " + refusal.get());
            }
            // From the address itself: no second lookup anywhere between here and the socket.
            checked.add(new InetSocketAddress(address, port));
        }
        return checked;
    }
}
