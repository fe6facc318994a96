package dev.annotask.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the server may fetch input URLs from: any public address, and none of the
 * server's own neighbourhood (loopback, private, link-local — the cloud metadata service at
 * 169.254.169.254 among them —, unique-local, carrier-grade NAT, multicast, unspecified and
 * reserved ranges, and IPv6 forms that embed such an IPv4 address), unless the operator
 * allows a network by CIDR ({@code --fetch-allow-networks}). A URL would otherwise let any
 * key holder make the server read its own network and store the answer as an input.
 * Immutable, thread-safe.
 */
public final class AddressPolicy {
    private static final List<Network> REFUSED = List.of(
            Network.parse("0.0.0.0/8"), Network.parse("10.0.0.0/8"), Network.parse("100.64.0.0/10"),
            Network.parse("127.0.0.0/8"), Network.parse("169.254.0.0/16"), Network.parse("172.16.0.0/12"),
            Network.parse("192.0.0.0/24"), Network.parse("192.168.0.0/16"), Network.parse("198.18.0.0/15"),
            Network.parse("224.0.0.0/4"), Network.parse("240.0.0.0/4"),
            Network.parse("::/128"), Network.parse("::1/128"), Network.parse("fc00::/7"), Network.parse("fe80::/10"),
            Network.parse("fec0::/10"), Network.parse("ff00::/8"));

    private final List<Network> allowed;

    private AddressPolicy(List<Network> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /**
     * The policy allowing these networks besides the public ones.
     *
     * @throws IllegalArgumentException naming the first entry that is no CIDR or address
     */
    public static AddressPolicy allowing(List<String> networks) {
        List<Network> parsed = new ArrayList<>();
        for (String network : networks) {
            if (!network.isBlank()) {
                parsed.add(Network.parse(network.trim()));
            }
        }
        return new AddressPolicy(parsed);
    }

    /** Why the address may not be fetched from, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (allowed.stream().anyMatch(n -> n.contains(address))) {
            return Optional.empty();
        }
        InetAddress checked = embeddedIpv4(address).orElse(address);
        if (REFUSED.stream().anyMatch(n -> n.contains(checked))) {
            return Optional.of(address.getHostAddress() + " is a loopback, private, link-local or reserved address;"
                    + " the server fetches only from public addresses (see --fetch-allow-networks)");
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address inside an IPv6 one that stands for it: IPv4-compatible {@code ::a.b.c.d},
     * NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}. (IPv4-mapped addresses
     * reach us as IPv4 already: Java turns them into {@link Inet4Address}es.)
     */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        boolean zeros = true;
        for (int i = 0; i < 12; i++) {
            zeros &= b[i] == 0;
        }
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        try {
            if (zeros && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)) || nat64) {
                return Optional.of(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
            }
            if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
                return Optional.of(InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
        return Optional.empty();
    }

    /** An address range: a base address and how many leading bits must match it. */
    record Network(byte[] base, int bits) {
        static Network parse(String cidr) {
            String[] parts = cidr.split("/", -1);
            // Only literals, so that parsing never looks a name up.
            boolean literal = parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")
                    || parts[0].contains(":") && parts[0].matches("[0-9A-Fa-f:.]+");
            if (parts.length > 2 || !literal) {
                throw new IllegalArgumentException("not an address or CIDR network: " + cidr);
            }
            byte[] base;
            try {
                base = InetAddress.getByName(parts[0]).getAddress(); // a literal: never a lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address or CIDR network: " + cidr);
            }
            int bits;
            try {
                bits = parts.length == 1 ? base.length * 8 : Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address or CIDR network: " + cidr);
            }
            if (bits < 0 || bits > base.length * 8) {
                throw new IllegalArgumentException("prefix length out of range: " + cidr);
            }
            return new Network(base, bits);
        }

        boolean contains(InetAddress address) {
            byte[] b = address.getAddress();
            if (b.length != base.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((b[i / 8] & mask) != (base[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
