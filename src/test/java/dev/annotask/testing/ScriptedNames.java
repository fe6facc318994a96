package dev.annotask.testing;

import dev.annotask.fetch.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A name server for DNS-rebinding tests (tests cannot steer the system's DNS): each name gives
 * its scripted answers in turn, the last one again once they run out, and counts its lookups;
 * a name without a script is unknown. Thread-safe.
 */
public final class ScriptedNames implements HostResolver {
    private final Map<String, List<InetAddress[]>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    /** The answers the name gives from now on, in turn. */
    public void answer(String host, List<InetAddress[]> inTurn) {
        answers.put(host, List.copyOf(inTurn));
    }

    /** How often the name was looked up. */
    public int lookups(String host) {
        AtomicInteger count = lookups.get(host);
        return count == null ? 0 : count.get();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        List<InetAddress[]> inTurn = answers.get(host);
        if (inTurn == null) {
            throw new UnknownHostException(host);
        }
        int call = lookups.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
        return inTurn.get(Math.min(call, inTurn.size() - 1));
    }

    /** The address written as a literal (no lookup). */
    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
