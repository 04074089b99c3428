package io.gridoverlay.dht.routing;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * The network group of a peer, as counted by a {@link PeerDiversityFilter}: an IPv4 /24 or IPv6 /48
 * prefix, or {@link #EXEMPT} for addresses that say nothing about who controls the peer (loopback,
 * private, link-local, unique-local, unspecified), which go-libp2p's diversity filter does not limit
 * either. Immutable value; {@code value} is a canonical text such as {@code "ip4/203.0.113.0/24"}.
 */
public record IpGroup(String value) {
    /** The group of peers that are not subject to diversity limits. */
    public static final IpGroup EXEMPT = new IpGroup("");

    /** Validates that {@code value} is non-null; the empty value means {@link #EXEMPT}. */
    public IpGroup {
        Objects.requireNonNull(value, "value");
    }

    /** Whether this group is exempt from diversity limits. */
    public boolean isExempt() {
        return value.isEmpty();
    }

    /**
     * The group of an address: IPv4 /24, IPv6 /48 (IPv4-mapped IPv6 addresses count as IPv4), or
     * {@link #EXEMPT} for loopback, unspecified, link-local, private (RFC 1918, RFC 6598 shared space)
     * and IPv6 unique-local (fc00::/7) addresses.
     */
    public static IpGroup of(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()) {
            return EXEMPT;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Group(a);
        }
        if (address instanceof Inet6Address) {
            if (isIpv4Mapped(a)) {
                byte[] v4 = {a[12], a[13], a[14], a[15]};
                return ipv4Group(v4);
            }
            if ((a[0] & 0xFE) == 0xFC) {
                return EXEMPT;
            }
            return new IpGroup(String.format("ip6/%x:%x:%x::/48",
                    ((a[0] & 0xFF) << 8) | (a[1] & 0xFF),
                    ((a[2] & 0xFF) << 8) | (a[3] & 0xFF),
                    ((a[4] & 0xFF) << 8) | (a[5] & 0xFF)));
        }
        throw new IllegalArgumentException("unsupported address type: " + address.getClass().getName());
    }

    /**
     * The group of the first address in {@code addresses} that starts with an IPv4 or IPv6 component
     * (see {@link #of(InetAddress)}), or {@link #EXEMPT} if none does (DNS names, relays).
     */
    public static IpGroup of(List<Multiaddr> addresses) {
        for (Multiaddr a : addresses) {
            Multiaddr.Component c = a.components().get(0);
            if (c.protocol() == Protocol.IP4 || c.protocol() == Protocol.IP6) {
                try {
                    return of(InetAddress.getByAddress(c.value()));
                } catch (UnknownHostException e) {
                    // only thrown for a length other than 4 or 16, which the multiaddr decoder rules out
                    throw new IllegalArgumentException("multiaddr " + a + " carries a malformed IP address", e);
                }
            }
        }
        return EXEMPT;
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static IpGroup ipv4Group(byte[] a) {
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        boolean privateRange = b0 == 10 || b0 == 127 || b0 == 0
                || (b0 == 172 && (b1 & 0xF0) == 16)
                || (b0 == 192 && b1 == 168)
                || (b0 == 169 && b1 == 254)
                || (b0 == 100 && (b1 & 0xC0) == 64);
        if (privateRange) {
            return EXEMPT;
        }
        return new IpGroup("ip4/" + b0 + "." + b1 + "." + (a[2] & 0xFF) + ".0/24");
    }
}
