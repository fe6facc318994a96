package dev.annotask.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks a host name up: the system's resolver in the server, a scripted one in tests (which
 * cannot steer the system's DNS, so this is how a test makes a name change its answer).
 */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    /** Every address of the host (an address literal is its own answer, looked up nowhere). */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
